"""Counts agree with their words in every language ("1 ligne lue", not "1 lignes lues"):
ngettext / blocktranslate count wherever a number meets a noun, in pages, messages and
commands; and no source string glues a count to a plural word again."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistance.importer.models import ImportBatch
from assistance.importer.services import import_batch_create, import_batch_process
from tests.core.test_translations import catalogue
from tests.imports.conftest import csv_bytes, row

# A count (a placeholder that is no date) followed by a French plural word, or a "(s)".
GLUED = re.compile(r"%\((?!start|end|date|day)\w+\)[sd] [a-zéèêàç·]+(s|x)\b|\w\(s\)")


def test_no_source_string_glues_a_count_to_a_plural_word():
    glued = [e.msgid for e in catalogue("en") if not e.msgid_plural and GLUED.search(e.msgid)]
    assert glued == []


@pytest.fixture
def one_row_import(alice, partner_a):
    batch = import_batch_create(
        acting_user=alice,
        organisation=partner_a,
        file_name="une-ligne.csv",
        content=csv_bytes([row()]),
        source=ImportBatch.Source.WEB,
    )
    import_batch_process(batch=batch, commit=False)
    return batch


@pytest.mark.parametrize(
    "language,expected",
    [
        # French: 0 and 1 take the singular (its catalogue's plural rule, n > 1).
        ("fr", ["1 ligne lue", "1 nouvelle · 0 modifiée · 0 inchangée"]),
        ("en", ["1 row read", "1 new · 0 updated · 0 unchanged"]),
        ("ar", ["سطر واحد مقروء", "جديد: 1 · معدَّل: 0 · دون تغيير: 0"]),
    ],
)
def test_import_preview_counts_agree(client, alice, one_row_import, language, expected):
    client.force_login(alice)
    page = client.get(f"/imports/{one_row_import.pk}/", HTTP_ACCEPT_LANGUAGE=language).text
    for text in expected:
        assert text in page
    assert "1 lignes" not in page and "1 nouvelles" not in page


def test_group_session_counts_agree(client, alice, partner_a, project):
    from tests.beneficiaries.factories import BeneficiaryFactory

    participant = BeneficiaryFactory(
        organisation=partner_a, sex="F", date_of_birth=datetime.date(1990, 1, 1)
    )
    client.force_login(alice)
    response = client.post(
        "/activites/nouvelle/",
        {
            "category": "awareness",
            "subtype": "health",
            "title": "Santé maternelle",
            "held_on": datetime.date.today().isoformat(),
            "participants": [participant.pk],
        },
        follow=True,
    )
    page = response.text
    assert "Séance enregistrée pour 1 personne." in page
    assert "1 femme · 0 fille · 0 homme · 0 garçon · 0 personne de sexe ou d'âge inconnu" in page
    arabic = client.get(response.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="ar").text
    assert "امرأة واحدة · 0 فتاة · 0 رجل · 0 فتى · 0 شخص مجهول الجنس أو العمر" in arabic


def test_import_command_counts_agree(tmp_path, partner_a, project, capsys):
    path = tmp_path / "une-ligne.csv"
    path.write_bytes(csv_bytes([row()]))
    call_command("import_assistances", str(path), organisation="partner-a", project="JPN-PROT")
    assert (
        "1 ligne lue ; personnes : 1 nouvelle, 0 modifiée ; "
        "assistances : 1 nouvelle, 0 modifiée, 0 inchangée." in capsys.readouterr().out
    )
    path.write_bytes(csv_bytes([row(sex="?", aref="A-9")]))
    with pytest.raises(CommandError, match="Fichier refusé : 1 erreur, rien n'a été importé."):
        call_command("import_assistances", str(path), organisation="partner-a")
