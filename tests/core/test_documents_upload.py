"""Case documents are told by their content, not their name (core.uploads): PDF, JPEG or PNG,
an image only if it decodes whole, at most DOCUMENT_MAX_UPLOAD_BYTES, read no further than
that; the upload handler stops a file at the largest limit of the app."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from core import uploads

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(kind: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


@pytest.mark.parametrize(
    "data,expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"Bonjour, ceci est un texte.", None),
        (b"", None),
        (b"GIF89a" + PNG[6:], None),
        (b"PK\x03\x04" + b"\x00" * 40, None),  # a zip (a .docx)
        (b" %PDF-1.4", None),  # the header must come first
    ],
)
def test_sniffing_reads_the_bytes(data, expected):
    assert uploads.sniff_content_type(data) == expected


def test_an_image_must_decode_whole():
    assert uploads.sniff_content_type(PNG[: len(PNG) // 2]) is None  # truncated
    assert uploads.sniff_content_type(JPEG[: len(JPEG) // 2]) is None
    assert uploads.sniff_content_type(PNG[:8] + b"\x00" * 200) is None  # garbage after magic
    assert uploads.sniff_content_type(JPEG[:3] + b"garbage" * 20) is None
    broken = bytearray(PNG)
    broken[40] ^= 0xFF  # a CRC no longer matches its chunk
    assert uploads.sniff_content_type(bytes(broken)) is None


def test_a_cut_off_image_is_refused_even_where_pillow_accepts_truncated_images(monkeypatch):
    """WeasyPrint sets this flag for the whole process when it is imported (the web and the
    worker render bilans): Pillow then decodes a cut-off image without a word."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert uploads.sniff_content_type(PNG[: len(PNG) - 20]) is None
    assert uploads.sniff_content_type(JPEG[: len(JPEG) - 20]) is None
    assert uploads.sniff_content_type(PNG) == "image/png"
    assert uploads.sniff_content_type(JPEG) == "image/jpeg"


def test_an_image_declaring_a_huge_picture_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 40 * 30 - 1)
    assert uploads.sniff_content_type(PNG) is None
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 40 * 30)
    assert uploads.sniff_content_type(PNG) == "image/png"


def test_a_png_named_pdf_is_a_png():
    data, content_type = uploads.validate_document(
        SimpleUploadedFile("certificat.pdf", PNG, content_type="application/pdf")
    )
    assert (data, content_type) == (PNG, "image/png")


def test_a_text_file_named_pdf_is_refused():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        uploads.validate_document(
            SimpleUploadedFile("x.pdf", b"pas un pdf", content_type="application/pdf")
        )
    assert refused.value.messages == ["Seuls les fichiers PDF, JPEG ou PNG sont acceptés."]
    assert refused.value.code == "invalid_type"


def test_an_empty_file_is_refused():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        uploads.validate_document(SimpleUploadedFile("vide.pdf", b""))
    assert refused.value.messages == ["Le fichier est vide."]


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.DOCUMENT_MAX_UPLOAD_BYTES == 10 * MB
    data = PDF + b"\n" * (10 * MB - len(PDF))
    assert uploads.validate_document(SimpleUploadedFile("a.pdf", data))[1] == "application/pdf"
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        uploads.validate_document(SimpleUploadedFile("a.pdf", data + b"\n"))
    assert refused.value.messages == ["Le fichier dépasse 10 Mo."]
    assert refused.value.code == "too_large"


def test_the_message_gives_the_limit_in_force(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 3 * MB
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        uploads.validate_document(SimpleUploadedFile("a.pdf", PDF + b"x" * 3 * MB))
    assert refused.value.messages == ["Le fichier dépasse 3 Mo."]
    settings.DOCUMENT_MAX_UPLOAD_BYTES = MB // 2
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        uploads.validate_document(SimpleUploadedFile("a.pdf", PDF + b"x" * MB))
    assert refused.value.messages == ["Le fichier dépasse 0,5 Mo."]


class Stream:
    """An upload that declares no size (or a false one) and counts what is read of it."""

    def __init__(self, data: bytes, size=None):
        self.file = io.BytesIO(data)
        self.size = size
        self.read_sizes = []

    def seek(self, position):
        self.file.seek(position)

    def read(self, size=-1):
        self.read_sizes.append(size)
        return self.file.read(size)


def test_no_more_than_the_limit_and_one_byte_is_read(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = MB
    stream = Stream(PDF + b"x" * (20 * MB), size=100)  # declares less than it holds
    with pytest.raises(ValidationError):
        uploads.validate_document(stream)
    assert stream.read_sizes == [MB + 1] and stream.file.tell() == MB + 1


def test_a_file_declared_too_large_is_not_read(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = MB
    stream = Stream(PDF, size=MB + 1)
    with pytest.raises(ValidationError):
        uploads.validate_document(stream)
    assert stream.read_sizes == []


def test_the_upload_handler_stops_at_the_largest_limit(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 50 * MB
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 10 * MB
    assert uploads.LimitedUploadHandler().limit == 50 * MB
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 60 * MB
    assert uploads.LimitedUploadHandler().limit == 60 * MB


def test_the_limit_comes_from_the_environment():
    from tests.core.test_settings import _import_settings

    result = _import_settings(SECRET_KEY="x" * 40, ALLOWED_HOSTS="a", DOCUMENT_MAX_UPLOAD_MB="0")
    assert result.returncode != 0
    assert "DOCUMENT_MAX_UPLOAD_MB must be at least 1" in result.stderr
