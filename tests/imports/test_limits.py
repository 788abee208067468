"""One small file must not knock the importer over (issue 11, item 19): a file over a limit is
refused before it is read or parsed, with a message saying which limit; a report keeps the
first 1,000 errors and their count; large files go to the worker, which has a time limit and
gives up after a bounded number of lost workers; nothing stays "running" for ever; refusing a
zip bomb takes little memory."""

import datetime
import html
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files import uploadhandler
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.importer import reader, services
from assistance.importer.columns import COLUMNS
from assistance.importer.engine import ERRORS_KEPT
from assistance.importer.models import ImportBatch
from assistance.importer.reader import ImportFileError, read_limited
from assistance.models import Assistance
from assistance.tasks import fail_stale_imports, process_import_batch
from beneficiaries.models import Beneficiary
from core import uploads
from tests.imports import bombs
from tests.imports.conftest import csv_bytes, row

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def len_inflated(content: bytes) -> int:
    return sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(content)).infolist())


def _plain(text: str) -> str:
    """Thousands separators (no-break spaces in French) as plain spaces."""
    return re.sub(r"\s", " ", text)


def _upload(client, content, name="partenaire.csv"):
    return client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile(name, content), "project": "JPN-PROT"},
    )


def _api_post(user, content, name="f.csv", **data):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(name, content), "project": "JPN-PROT", **data},
        format="multipart",
    )


@pytest.fixture
def file_of(tmp_path):
    def write(content, name="partenaire.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


@pytest.fixture
def unreadable_uploads(monkeypatch):
    """A file the server receives fails the test if it is read at all: the refusal on its
    declared size must come first."""

    class Unreadable(InMemoryUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("the upload was read before its size was checked")

        chunks = read

    monkeypatch.setattr(uploadhandler, "InMemoryUploadedFile", Unreadable)


# --- The size of the file, before reading it -------------------------------------------------


def test_the_declared_size_is_checked_before_any_read():
    class Unreadable:
        def read(self, size=-1):
            raise AssertionError("read before the size was checked")

    with pytest.raises(ImportFileError, match="dépasse 50 Mo"):
        read_limited(Unreadable(), declared_size=50 * MB + 1)


def test_a_file_larger_than_declared_stops_being_read_at_the_limit(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 3 * MB
    stream = io.BytesIO(b"x" * (20 * MB))
    with pytest.raises(ValidationError) as refused:
        services.import_file_read(stream, declared_size=100)
    assert "dépasse 3 Mo" in refused.value.message_dict["file"][0]
    assert stream.tell() <= 3 * MB + reader.CHUNK_BYTES  # never the whole 20 MB


def test_the_page_refuses_a_file_over_the_limit_without_reading_it(
    client, alice, project, settings, unreadable_uploads
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    client.force_login(alice)
    response = _upload(client, b"x" * (MB + 1))
    assert response.status_code == 200
    assert "Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers." in _plain(
        response.content.decode()
    )
    assert not ImportBatch.objects.exists()


def test_the_api_refuses_a_file_over_the_limit_without_reading_it(
    alice, project, settings, unreadable_uploads
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * MB
    response = _api_post(alice, b"x" * (2 * MB + 1))
    assert response.status_code == 413
    assert response.json() == {
        "file": ["Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."]
    }
    assert not ImportBatch.objects.exists()


@pytest.fixture
def upload_handlers(monkeypatch, settings, tmp_path):
    """The size handlers of the requests made, with any file larger than nothing written to a
    temporary file in `tmp_path` (Django's handler for large uploads). The handler stops at
    the largest limit of the app: the case documents' is lowered with the import's."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1 * MB
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    made = []
    start = uploads.LimitedUploadHandler.__init__

    def record(self, *args, **kwargs):
        start(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(uploads.LimitedUploadHandler, "__init__", record)
    return made


def test_a_body_declared_over_the_limit_is_stopped_before_its_file_is_read(
    client, officer, project, partner_a, upload_handlers, tmp_path
):
    client.force_login(officer)
    response = client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("gros.csv", b"x" * (5 * MB)),
            "organisation": partner_a.pk,  # a field after the file: never read
            "project": "JPN-PROT",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"file": ["Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers."]}
    [handler] = upload_handlers
    assert handler.declared_too_large and handler.received == 0  # no byte of the file read
    assert list(tmp_path.iterdir()) == []  # nor written anywhere
    assert not ImportBatch.objects.exists()


def test_a_file_growing_past_the_limit_is_stopped_there(
    client, alice, project, upload_handlers, tmp_path
):
    """The body as declared is within the margin, the file is not: read up to the limit, no
    further, and the temporary file begun is gone."""
    client.force_login(alice)
    page = _plain(_upload(client, b"x" * (MB + 10_000)).content.decode())
    assert "Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers." in page
    [handler] = upload_handlers
    assert not handler.declared_too_large and handler.received <= MB
    assert list(tmp_path.iterdir()) == []
    assert not ImportBatch.objects.exists()


def test_the_api_answers_413_before_reading_a_body_declared_over_the_limit(
    alice, project, upload_handlers, tmp_path
):
    response = _api_post(alice, b"x" * (3 * MB))
    assert response.status_code == 413
    assert response.json() == {
        "file": ["Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers."]
    }
    [handler] = upload_handlers
    assert handler.received == 0 and list(tmp_path.iterdir()) == []
    english = APIClient()
    english.force_authenticate(alice)
    response = english.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("f.csv", b"x" * (3 * MB))},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["file"] == ["The file is larger than 1 MB: split it into several files."]


def test_a_file_within_the_limit_still_goes_through_a_temporary_file(
    client, alice, project, upload_handlers
):
    client.force_login(alice)
    _upload(client, csv_bytes([row()]))
    assert ImportBatch.objects.get().status == "valid"
    [handler] = upload_handlers
    assert handler.received == len(csv_bytes([row()]))


def test_the_command_refuses_a_file_over_the_limit_without_reading_it(
    file_of, partner_a, project, settings, monkeypatch
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    path = file_of(b"x" * (MB + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    monkeypatch.setattr(services, "read_limited", _refuse_reading(reader.read_limited))
    with pytest.raises(CommandError, match="dépasse 1 Mo"):
        call_command("import_assistances", path, organisation="partner-a")
    assert not ImportBatch.objects.exists()


def _refuse_reading(read_limited_function):
    """`read_limited` over a stream whose `read` fails the test."""

    class Guard:
        def __init__(self, stream):
            self.stream = stream

        def read(self, size=-1):
            raise AssertionError("the file was read before its size was checked")

    def guarded(stream, *, declared_size):
        return read_limited_function(Guard(stream), declared_size=declared_size)

    return guarded


# --- XLSX: inflated size, compression, rows, shared strings — before parsing -------------------


def test_the_issues_small_xlsx_of_390000_rows_is_refused_at_upload(client, alice, project):
    content = bombs.rows_bomb(390_000)  # about 270 KB on disk, 70 MB inflated
    assert len(content) < 300 * 1024
    client.force_login(alice)
    response = _upload(client, content, name="bombe.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert "anormalement compressé" in page and "100 fois" in page
    assert not ImportBatch.objects.exists()


def test_an_xlsx_inflating_past_the_limit_is_refused_from_its_directory(alice, project):
    content = bombs.inflated_bomb(492)  # about 4 MB on disk, 516 MB inflated
    response = _api_post(alice, content, name="bombe.xlsx")
    assert response.status_code == 400
    assert _plain(response.json()["file"][0]) == (
        "Une fois décompressé, ce classeur dépasse 200 Mo : découpez-le en plusieurs fichiers "
        "ou enregistrez-le en CSV."
    )
    assert not ImportBatch.objects.exists()


def test_an_xlsx_over_the_row_limit_is_refused_before_it_is_parsed(do_import, monkeypatch):
    content = bombs.workbook(bombs.varied_rows(100_001))  # compressed as real data is
    assert len(content) < 400 * 1024

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    report = do_import(content, filename="f.xlsx")
    assert [_plain(e.message) for e in report.errors] == [
        "Le fichier compte plus de 100 000 lignes : découpez-le en plusieurs fichiers de "
        "100 000 lignes au plus."
    ]
    assert report.error_count == 1 and not report.written
    assert Beneficiary.objects.count() == 0


def test_an_xlsx_at_the_row_limit_is_read(settings, do_import):
    settings.IMPORT_MAX_ROWS = 30
    rows = [bombs.row((f"B-{n}", "F", "medical", "2024-02-10")) for n in range(30)]
    assert do_import(bombs.workbook(rows), filename="f.xlsx", dry_run=True).ok
    report = do_import(bombs.workbook(rows + [rows[0]]), filename="f.xlsx", dry_run=True)
    assert "plus de 30 lignes" in report.errors[0].message


def test_a_row_numbered_a_billion_stops_the_reading_at_the_limit(do_import):
    rows = [bombs.row(bombs.GOOD_ROW, 2), bombs.row(bombs.GOOD_ROW, 1_000_000_000)]
    report = do_import(bombs.workbook(rows), filename="f.xlsx")
    assert "plus de 100" in report.errors[0].message
    assert Assistance.objects.count() == 0


def test_a_csv_over_the_row_limit_is_refused_while_read(settings, do_import):
    settings.IMPORT_MAX_ROWS = 20
    rows = [row(ref=f"B-{n}", aref=f"A-{n}") for n in range(21)]
    report = do_import(csv_bytes(rows))
    assert [e.message for e in report.errors] == [
        "Le fichier compte plus de 20 lignes : découpez-le en plusieurs fichiers de 20 lignes "
        "au plus."
    ]
    assert do_import(csv_bytes(rows[:20]), dry_run=True).ok


def test_more_shared_strings_than_a_sheet_within_the_limit_can_use(settings, do_import):
    settings.IMPORT_MAX_ROWS = 10  # so at most 10 × 21 columns = 210 distinct texts
    strings = (b"<si><t>%d</t></si>" % n for n in range(211))
    report = do_import(bombs.workbook(shared_strings=strings), filename="f.xlsx")
    assert "plus de 210 textes différents" in report.errors[0].message
    fits = (b"<si><t>%d</t></si>" % n for n in range(210))
    content = bombs.workbook([bombs.row(bombs.GOOD_ROW)], shared_strings=fits)
    assert do_import(content, filename="f.xlsx", dry_run=True).ok


@pytest.mark.parametrize("limit", ["WHOLE_PARTS_MAX_BYTES", "WHOLE_PARTS_MAX_ELEMENTS"])
def test_styles_and_other_parts_parsed_whole_are_bounded(monkeypatch, do_import, limit):
    monkeypatch.setattr(reader, limit, 1000)
    styles = (
        b"<styleSheet>" + b"".join(b'<xf id="%d"/>' % n for n in range(1000)) + b"</styleSheet>"
    )
    content = bombs.workbook([bombs.row(bombs.GOOD_ROW)], extra_parts={"xl/styles.xml": styles})
    report = do_import(content, filename="f.xlsx")
    assert "Les styles et autres parties de ce classeur" in report.errors[0].message


def test_a_central_directory_that_lies_about_sizes_is_refused(do_import):
    rows = [bombs.row(bombs.GOOD_ROW)] * 2000
    content = bombs.declare_size(bombs.workbook(rows), "xl/worksheets/sheet1.xml", 500)
    report = do_import(content, filename="f.xlsx")
    assert "n'est pas un classeur Excel (.xlsx) lisible" in report.errors[0].message
    assert Assistance.objects.count() == 0


# --- The width of a row, elements behind a prefix or unknown to the reader --------------------


def _no_parsing(monkeypatch):
    """Fail the test if anything parses the XML of a worksheet or of the shared strings."""

    def parsed(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(reader.ElementTree, "iterparse", parsed)


def test_a_small_xlsx_with_a_row_of_a_million_cells_is_refused_at_upload(
    client, alice, project, monkeypatch
):
    content = bombs.workbook([bombs.wide_row(1_000_000)])
    assert len(content) < 1 * MB  # small on disk: it would be checked in the request
    _no_parsing(monkeypatch)
    client.force_login(alice)
    page = _plain(html.unescape(_upload(client, content, name="large.xlsx").content.decode()))
    assert (
        "Une ligne du fichier compte plus de 16 384 cellules, le maximum d'un tableur : "
        "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV."
    ) in page
    assert not ImportBatch.objects.exists()


def test_a_row_as_wide_as_excel_allows_is_read(do_import):
    content = bombs.workbook([bombs.row(bombs.GOOD_ROW)[:-6] + bombs.wide_row(16_380)[5:]])
    assert do_import(content, filename="f.xlsx", dry_run=True).ok
    wider = bombs.workbook([bombs.row(bombs.GOOD_ROW)[:-6] + bombs.wide_row(16_381)[5:]])
    report = do_import(wider, filename="f.xlsx", dry_run=True)
    assert "plus de 16" in report.errors[0].message


def test_more_cells_than_the_rows_allowed_hold_is_refused(settings, do_import):
    settings.IMPORT_MAX_ROWS = 10  # at most 11 rows × 21 columns × 2 = 462 cells
    rows = [bombs.row((*bombs.GOOD_ROW, *["x"] * 42)) for _ in range(10)]  # 4 + 460 cells
    report = do_import(bombs.workbook(rows), filename="f.xlsx")
    assert _plain(report.errors[0].message) == (
        "Le classeur compte plus de 462 cellules, le double de ce que les colonnes du modèle "
        "demandent au nombre de lignes permis (10) : supprimez les colonnes qui ne sont pas "
        "dans le modèle, ou découpez le fichier."
    )
    rows = [bombs.row((f"B-{n}", "F", "medical", "2024-02-10", *["x"] * 41)) for n in range(10)]
    assert do_import(bombs.workbook(rows), filename="f.xlsx", dry_run=True).ok  # 454 cells


def test_the_largest_workbook_the_limits_accept_is_read_whole(settings, do_import):
    """At the limits: as many rows as allowed, twice the contract's cells, twenty distinct
    shared strings a row (the benchmark measures it at 100,000 rows)."""
    settings.IMPORT_MAX_ROWS = 200
    content = bombs.largest_accepted(200, columns=COLUMNS)
    assert reader.measure(content, "f.xlsx") == reader.Shape(
        rows=200, cells=reader.cells_limit(), strings=4051, inflated_bytes=len_inflated(content)
    )
    report = do_import(content, filename="f.xlsx", dry_run=True)
    assert (report.ok, report.rows, report.counts["assistances_new"]) == (True, 200, 200)


def test_a_short_file_of_wide_rows_goes_to_the_worker(
    client, alice, project, django_capture_on_commit_callbacks
):
    """Six rows, but more cells than 2,000 rows as wide as the contract's: counted, so not
    checked in the request."""
    wide = bombs.row(bombs.GOOD_ROW)[:-6] + bombs.wide_row(16_000)[5:]
    content = bombs.workbook([wide] * 6)
    assert len(content) <= services.SYNC_MAX_BYTES
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, content, name="large.xlsx")
    assert ImportBatch.objects.get().status == "validating" and len(callbacks) == 1


def test_a_header_reaching_column_xfd_makes_no_row_16384_cells_wide():
    header = bombs.row(bombs.HEADER)[:-6] + b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c>'
    content = bombs.workbook([header + b"</row>", bombs.row(bombs.GOOD_ROW)], header=None)
    table = reader.read_table(content, "f.xlsx")
    assert len(table.headers) == 16_384
    assert [(number, cells) for number, cells in table.rows] == [(2, list(bombs.GOOD_ROW))]


def test_a_csv_row_wider_than_a_spreadsheet_is_refused(do_import):
    content = csv_bytes([row()]) + b"," * 16_384 + b"\n"
    report = do_import(content)
    assert (report.errors[0].row, _plain(report.errors[0].message)) == (
        3,
        "Une ligne du fichier compte plus de 16 384 cellules, le maximum d'un tableur : "
        "ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou en CSV.",
    )


def test_a_csv_row_of_millions_of_characters_is_refused_before_it_is_split(do_import):
    """An unclosed quote, or a line of 2.5 million cells: refused before the CSV reader
    builds a list of them."""
    content = csv_bytes([row()]) + b"ab," * 1_000_000 + b"\n"
    report = do_import(content)
    assert (report.errors[0].row, _plain(report.errors[0].message)) == (
        3,
        "Ligne 3 illisible : elle dépasse 2 000 000 caractères (un guillemet n'est-il pas "
        "fermé ?).",
    )


def test_elements_behind_a_prefix_declared_after_a_megabyte_are_counted(settings, do_import):
    """`<x:row>` and `<x:si>` count whatever precedes the root element that binds `x`."""
    settings.IMPORT_MAX_ROWS = 10
    hidden = {"prefix": "x:", "preamble": bombs.comment(int(1.5 * MB))}
    strings = (b"<x:si><x:t>%d</x:t></x:si>" % n for n in range(211))
    content = bombs.workbook(shared_strings=strings, strings_preamble=hidden["preamble"], **hidden)
    report = do_import(content, filename="f.xlsx")
    assert "plus de 210 textes différents" in report.errors[0].message
    rows = [bombs.row((f"B-{n}", "F", "medical", "2024-02-10"), prefix="x:") for n in range(11)]
    report = do_import(bombs.workbook(rows, **hidden), filename="f.xlsx")
    assert "plus de 10 lignes" in report.errors[0].message
    report = do_import(bombs.workbook(rows[:10], **hidden), filename="f.xlsx", dry_run=True)
    assert (report.ok, report.rows) == (True, 10)  # read as any other sheet


def test_prefixed_rows_hidden_behind_a_comment_go_to_the_worker(
    client, alice, project, django_capture_on_commit_callbacks
):
    rows = bombs.varied_rows(services.SYNC_MAX_ROWS + 1)
    prefixed = (line.replace(b"<", b"<x:").replace(b"<x:/", b"</x:") for line in rows)
    content = bombs.workbook(prefixed, prefix="x:", preamble=bombs.comment(int(1.1 * MB)))
    assert len(content) <= services.SYNC_MAX_BYTES  # small on disk: counted, not guessed
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, content, name="court.xlsx")
    assert ImportBatch.objects.get().status == "validating" and len(callbacks) == 1


def test_more_shared_strings_than_cells_are_refused(do_import):
    """One row cannot use two million texts; a second sheet's cells may use them."""
    strings = [b"<si><t>%x</t></si>" % n for n in range(3000)]
    report = do_import(bombs.workbook(shared_strings=strings), filename="f.xlsx")
    assert _plain(report.errors[0].message) == (
        "Ce classeur contient plus de textes différents que de cellules : il n'a pas été écrit "
        "par un tableur. Copiez les données dans un nouveau classeur ou enregistrez-le en CSV."
    )
    lists = [b"<row>" + b'<c t="s"><v>%d</v></c>' % n + b"</row>" for n in range(3000)]
    content = bombs.workbook(
        [bombs.row(bombs.GOOD_ROW)], shared_strings=strings, second_sheet=lists
    )
    assert do_import(content, filename="f.xlsx", dry_run=True).ok


def test_elements_the_reader_does_not_know_are_bounded(settings, do_import):
    settings.IMPORT_MAX_ROWS = 10  # 462 cells, so at most 4 × 462 = 1,848 elements a part
    unknown = [b"<junk/>" * 1800]
    assert do_import(bombs.workbook(unknown), filename="f.xlsx", dry_run=True).rows == 0
    report = do_import(bombs.workbook(unknown * 2), filename="f.xlsx")
    assert _plain(report.errors[0].message) == (
        "Une partie de ce classeur compte plus de 1 848 éléments, bien plus que des cellules "
        "n'en demandent : copiez les données dans un nouveau classeur ou enregistrez-le en CSV."
    )


@pytest.mark.parametrize(
    "sheet",
    [
        bombs.nested(100),  # deeper than any spreadsheet
        # A prefix across two chunks of the count, longer than any name
        b"<" + os.urandom(600_000).hex().encode() + b":row/>",
        b"<row><c><is>" + b"<r><t>x</t></r>" * 5000 + b"</is></c></row>",  # a cell of 15,000
    ],
    ids=["deep", "long-name", "cell-of-15000-elements"],
)
def test_no_spreadsheets_xml_is_not_a_workbook(sheet, do_import):
    report = do_import(bombs.workbook([sheet]), filename="f.xlsx")
    assert "n'est pas un classeur Excel (.xlsx) lisible" in report.errors[0].message


def test_a_document_type_is_refused_before_expat_reads_it(do_import):
    entities = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    report = do_import(bombs.workbook(preamble=entities), filename="f.xlsx")
    assert "n'est pas un classeur Excel (.xlsx) lisible" in report.errors[0].message


def test_a_shared_string_index_out_of_the_table_is_not_a_crash(do_import):
    rows = [b'<row><c t="s"><v>99</v></c></row>']
    report = do_import(bombs.workbook(rows), filename="f.xlsx")
    assert "n'est pas un classeur Excel (.xlsx) lisible" in report.errors[0].message


# --- At most the first 1,000 errors, and how many there were -----------------------------------


@pytest.fixture
def bad_rows():
    """1,500 rows with an unknown sex, then a good one."""
    rows = [row(ref=f"B-{n}", aref=f"A-{n}", sex="?") for n in range(1500)]
    return csv_bytes(rows + [row(ref="B-ok", aref="A-ok")])


def test_the_report_keeps_the_first_1000_errors_and_counts_them_all(do_import, bad_rows):
    report = do_import(bad_rows)
    assert report.error_count == 1500
    assert [(e.row, e.column) for e in report.errors] == [(n, "sex") for n in range(2, 1002)]
    assert _plain(report.errors_summary) == "1 000 premières erreurs sur 1 500"
    assert _plain(report.as_dict()["errors_summary"]) == "1 000 premières erreurs sur 1 500"
    assert len(report.as_dict()["errors"]) == ERRORS_KEPT
    assert Beneficiary.objects.count() == 0


def test_a_report_of_few_errors_has_no_summary(do_import):
    report = do_import(csv_bytes([row(sex="?")]))
    assert (report.error_count, report.errors_summary) == (1, "")


def test_the_page_and_the_stored_batch_say_1000_of_n(client, alice, project, bad_rows):
    client.force_login(alice)
    _upload(client, bad_rows)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error_count, len(batch.errors)) == ("invalid", 1500, 1000)
    page = _plain(client.get(reverse("imports:detail", args=[batch.pk])).content.decode())
    assert "1500 erreurs : rien n'a été importé." in page
    assert "1 000 premières erreurs sur 1 500" in page
    assert page.count('data-label="Problème"') == 1000
    errors_csv = client.get(reverse("imports:errors_csv", args=[batch.pk])).content
    assert errors_csv.decode("utf-8-sig").count("Sexe inconnu") == 1000


def test_the_api_says_1000_of_n(alice, project, bad_rows):
    response = _api_post(alice, bad_rows)
    assert response.status_code == 400
    body = response.json()
    assert (body["error_count"], len(body["errors"])) == (1500, 1000)
    assert _plain(body["errors_summary"]) == "1 000 premières erreurs sur 1 500"
    english = APIClient()
    english.force_authenticate(alice)
    detail = english.get(f"/api/v1/imports/{body['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["errors_summary"] == "first 1,000 errors of 1,500"


def test_the_command_prints_1000_errors_and_says_of_how_many(
    file_of, partner_a, project, bad_rows, capsys
):
    with pytest.raises(CommandError, match="1500 erreur"):
        call_command(
            "import_assistances", file_of(bad_rows), organisation="partner-a", project="JPN-PROT"
        )
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1001
    assert lines[0].startswith("ligne 2, colonne sex")
    assert _plain(lines[-1]) == "1 000 premières erreurs sur 1 500"


# --- Large files in the worker, with a time limit and bounded attempts -------------------------


def test_a_small_xlsx_of_many_rows_goes_to_the_worker(
    client, alice, project, django_capture_on_commit_callbacks
):
    content = bombs.workbook(bombs.varied_rows(services.SYNC_MAX_ROWS + 1))
    assert len(content) <= services.SYNC_MAX_BYTES  # small on disk: counted, not guessed
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, content, name="court.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == "validating" and len(callbacks) == 1  # queued, not checked inline
    callbacks[0]()  # the worker (eager in tests)
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.attempts) == ("valid", 2001, 1)


def test_a_short_file_is_still_checked_in_the_request(client, alice, project):
    client.force_login(alice)
    _upload(client, bombs.workbook(bombs.varied_rows(50)), name="court.xlsx")
    assert ImportBatch.objects.get().status == "valid"


@pytest.fixture
def queued_batch(alice, project, django_capture_on_commit_callbacks, monkeypatch):
    """A batch queued for the worker (as any file of more than a few thousand rows is)."""
    monkeypatch.setattr(services, "SYNC_MAX_BYTES", 10)
    batch = services.import_batch_create(
        acting_user=alice,
        organisation=alice.membership.organisation,
        project=project,
        file_name="f.csv",
        content=csv_bytes([row()]),
        source=ImportBatch.Source.WEB,
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.import_batch_start(batch=batch, commit=False)
    return batch


def test_the_import_task_runs_under_the_time_limit_of_settings(settings):
    assert process_import_batch.soft_time_limit == settings.IMPORT_TIME_LIMIT
    assert process_import_batch.time_limit > settings.IMPORT_TIME_LIMIT
    assert process_import_batch.acks_late and process_import_batch.reject_on_worker_lost


def test_an_import_stopped_by_its_time_limit_is_marked_failed(queued_batch, monkeypatch):
    def overrun(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "run_import", overrun)
    with pytest.raises(SoftTimeLimitExceeded):
        process_import_batch(queued_batch.pk, False)
    queued_batch.refresh_from_db()
    assert queued_batch.status == "failed" and queued_batch.content is None
    assert queued_batch.errors[0]["message"] == (
        "Le traitement a dépassé la durée maximale de 10 minutes : rien n'a été importé. "
        "Découpez le fichier en plusieurs fichiers plus petits."
    )


def test_a_task_redelivered_after_lost_workers_gives_up_at_the_limit(
    queued_batch, monkeypatch, settings
):
    """The worker died (out of memory) on each of the allowed attempts: the next delivery of
    the task fails the batch instead of loading the file again."""
    ImportBatch.objects.filter(pk=queued_batch.pk).update(attempts=settings.IMPORT_MAX_ATTEMPTS)
    monkeypatch.setattr(services, "run_import", lambda **kwargs: pytest.fail("ran again"))
    process_import_batch(queued_batch.pk, False)
    queued_batch.refresh_from_db()
    assert queued_batch.status == "failed"
    assert queued_batch.errors[0]["message"].startswith(
        "Le traitement a été interrompu 2 fois (serveur arrêté ou mémoire insuffisante)"
    )
    process_import_batch(queued_batch.pk, False)  # delivered yet again: nothing happens
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.attempts) == ("failed", 2)


def test_a_task_redelivered_once_runs_again_and_counts_its_attempt(queued_batch):
    ImportBatch.objects.filter(pk=queued_batch.pk).update(attempts=1)  # one worker lost
    process_import_batch(queued_batch.pk, False)
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.attempts) == ("valid", 2)


def _age(batch, minutes):
    started = timezone.now() - datetime.timedelta(minutes=minutes)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=started)


def test_imports_running_past_their_time_limit_are_failed_by_the_beat_task(
    queued_batch, alice, project
):
    _age(queued_batch, 13)  # 10 minutes of limit, 2 of margin, and more
    recent = services.import_batch_create(
        acting_user=alice,
        organisation=alice.membership.organisation,
        file_name="g.csv",
        content=csv_bytes([row()]),
        source=ImportBatch.Source.WEB,
    )
    ImportBatch.objects.filter(pk=recent.pk).update(status="importing")
    _age(recent, 5)
    assert fail_stale_imports.delay().get() == 1
    queued_batch.refresh_from_db()
    recent.refresh_from_db()
    assert (queued_batch.status, recent.status) == ("failed", "importing")
    assert "durée maximale de 10 minutes" in queued_batch.errors[0]["message"]


def test_the_page_of_a_stale_import_shows_it_failed_not_a_progress_bar(client, alice, queued_batch):
    client.force_login(alice)
    assert b"<progress" in client.get(reverse("imports:detail", args=[queued_batch.pk])).content
    _age(queued_batch, 13)
    page = client.get(reverse("imports:detail", args=[queued_batch.pk])).content.decode()
    assert "<progress" not in page
    assert "Échec" in page and "durée maximale de 10 minutes" in page
    bar = client.get(reverse("imports:progress", args=[queued_batch.pk]))
    assert bar.status_code == 204  # the polling page reloads itself into the failure


def _queued(batch, minutes):
    """As if `batch` had been queued for a worker `minutes` ago, none having taken it yet."""
    queued = timezone.now() - datetime.timedelta(minutes=minutes)
    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=queued)


def test_an_import_waiting_behind_others_is_not_failed_for_the_time_it_waited(queued_batch):
    """Queued twelve minutes ago, no worker free until now: it has not started, so its ten
    minutes have not begun either."""
    queued_batch.refresh_from_db()
    assert queued_batch.started_at is None and queued_batch.queued_at is not None
    _queued(queued_batch, 13)
    assert fail_stale_imports.delay().get() == 0
    process_import_batch(queued_batch.pk, False)  # a worker takes it at last
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.attempts) == ("valid", 1)
    assert timezone.now() - queued_batch.started_at < datetime.timedelta(minutes=1)


def test_an_import_no_worker_ever_started_fails_with_its_own_message(
    client, alice, queued_batch, settings
):
    minutes = settings.IMPORT_QUEUE_TIMEOUT // 60
    assert minutes == 70  # the visibility timeout (60) and the import's hard limit (10.5)
    _queued(queued_batch, minutes + 1)
    assert fail_stale_imports.delay().get() == 0  # within the margin
    _queued(queued_batch, minutes + 3)
    client.force_login(alice)
    page = _plain(client.get(reverse("imports:detail", args=[queued_batch.pk])).content.decode())
    queued_batch.refresh_from_db()
    assert (queued_batch.status, queued_batch.attempts) == ("failed", 0)
    message = (
        "Aucun serveur de traitement n'a pris ce fichier en charge en 70 minutes : rien n'a été "
        "importé. Déposez-le à nouveau ; si cela se répète, signalez-le à l'équipe technique."
    )
    assert queued_batch.errors[0]["message"] == message
    assert html.escape(message) in page
    assert "durée maximale" not in page


# --- Memory: refusing a bomb reads little of it ----------------------------------------------

_MEASURE = """
import json, os, re, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
import django
django.setup()
from assistance.importer.reader import ImportFileError, measure, read_table


def kilobytes(key):
    return int(re.search(key + r":\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))


content = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as peak:
    peak.write("5")  # the peak resident size starts again from now (Linux)
before = kilobytes("VmRSS")
started = time.perf_counter()
refusals = []
# As the engine does: measure at upload, then read every row into memory in the worker.
for check in (lambda: measure(content, "f.xlsx"), lambda: list(read_table(content, "f.xlsx").rows)):
    try:
        check()
    except ImportFileError as exc:
        refusals.append(exc.message)
figures = {"kb": kilobytes("VmHWM") - before, "seconds": time.perf_counter() - started}
print(json.dumps({**figures, "refusals": refusals}))
"""


def _peak(tmp_path, content: bytes) -> dict:
    """What measuring then reading `content` costs, in a fresh process."""
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603 (this interpreter, a script of this file)
        [sys.executable, "-c", _MEASURE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        # The script reads no database: a URL is parsed, never connected to.
        env={**os.environ, "DEBUG": "0", "DATABASE_URL": "postgres://unused@127.0.0.1:9/unused"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "build", [lambda: bombs.rows_bomb(390_000), lambda: bombs.inflated_bomb(492)]
)
def test_refusing_a_zip_bomb_takes_little_memory(tmp_path, build):
    figures = _peak(tmp_path, build())
    # Peak memory grows by a few megabytes, not the hundreds the file inflates to.
    assert figures["kb"] < 32 * 1024, figures
    assert len(figures["refusals"]) == 2, figures  # refused at upload and in the worker


def test_reading_a_sheet_of_elements_no_reader_knows_takes_little_memory(tmp_path):
    """A million elements inside the sheet's data (within the limits): openpyxl kept every
    one (+90 MB; a 2 MB file of ten million took 900 MB), the reader drops each as it ends."""
    pick = random.Random(1).choice
    junk = b"".join(pick((b"<a/>", b"<b/>")) for _ in range(1_000_000))
    figures = _peak(tmp_path, bombs.workbook([junk, bombs.row(bombs.GOOD_ROW)]))
    assert figures["refusals"] == [], figures
    assert figures["kb"] < 32 * 1024, figures
