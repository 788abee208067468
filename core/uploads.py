"""No upload larger than the app takes, and what a document really is.

The size: `LimitedUploadHandler` stops any file over the largest limit of the app (the
import's `IMPORT_MAX_UPLOAD_BYTES`, a case document's `DOCUMENT_MAX_UPLOAD_BYTES`); each kind's
own limit is checked again by its form or service (the importer's `read_limited`,
`validate_document` below).

The handler comes first in FILE_UPLOAD_HANDLERS, before Django's own (memory, then
a temporary file): a request whose body is declared larger than the limit (plus a margin for
the form's other fields) is stopped as its file begins, before any byte of it is read; one
whose file grows past the limit while it is read is stopped there. Either way the rest of
the body is never read, nothing of the file is kept (Django closes, so deletes, a temporary
file begun), and the view learns it from `upload_refused(request)`: the import page shows
the size error on the form, the API answers 413. The reverse proxy should refuse such a body
before it reaches the app (nginx `client_max_body_size`, see docs/api.md section 7).

The content: `sniff_content_type` tells a PDF, a JPEG or a PNG by its bytes, whatever its name
or the browser's word, and an image only if Pillow decodes it whole.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image

# The form's other fields and the multipart framing, on top of the file itself.
MARGIN_BYTES = 64 * 1024


def largest_upload_bytes() -> int:
    """The largest file any page or endpoint of the app takes."""
    return max(settings.IMPORT_MAX_UPLOAD_BYTES, settings.DOCUMENT_MAX_UPLOAD_BYTES)


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handlers until the file is over the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = largest_upload_bytes()
        self.declared_too_large = False
        self.received = 0  # bytes of files passed on to the next handlers

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Parsing goes on up to the first file: the form's small fields (the CSRF token)
        # before it are still read, so the page can answer with the form and its error.
        self.declared_too_large = content_length > self.limit + MARGIN_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.declared_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self._refuse()
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers make the file

    def _refuse(self):
        if self.request is not None:
            self.request.upload_refused = True
        raise StopUpload(connection_reset=True)


def upload_refused(request) -> bool:
    """Whether an upload of this request (Django's or DRF's, once its body has been parsed)
    was stopped at the size limit."""
    return getattr(getattr(request, "_request", request), "upload_refused", False)


# --- Documents: PDF, JPEG or PNG, told by their content ---------------------------------------

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
_MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG"}
# A scan of an A4 page at 600 dpi is 35 million pixels; decoding costs 3 to 4 bytes a pixel,
# so a small file declaring a huge picture (a decompression bomb) is refused before decoding.
MAX_IMAGE_PIXELS = 60_000_000


def sniff_content_type(data: bytes) -> str | None:
    """ "application/pdf", "image/jpeg" or "image/png" from the bytes themselves (their magic
    number; an image must also decode whole with Pillow: truncated or forged, refused), None
    for anything else."""
    content_type = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if content_type in _PILLOW_FORMAT and not (
        _ends_whole(data, content_type) and _decodes(data, _PILLOW_FORMAT[content_type])
    ):
        return None
    return content_type


# How a whole file of each format ends: PNG with its IEND chunk, JPEG with the end-of-image
# marker (padding after it allowed). Checked apart from Pillow because decoding alone cannot
# be trusted to notice: WeasyPrint, once imported (web and worker render bilans), sets
# PIL.ImageFile.LOAD_TRUNCATED_IMAGES for the whole process, and Pillow then fills a cut-off
# image with grey instead of failing.
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


def _ends_whole(data: bytes, content_type: str) -> bool:
    if content_type == "image/png":
        return data.endswith(_PNG_END)
    return data.rstrip(b"\x00\r\n ").endswith(_JPEG_END)


def _decodes(data: bytes, pillow_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return False
                image.load()  # every pixel decoded: a truncated file raises here
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError, Warning):
        return False
    return True


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return number_format(megabytes, decimal_pos=0 if megabytes == int(megabytes) else 1)


def validate_document(uploaded_file) -> tuple[bytes, str]:
    """The content and type of an uploaded case document, or ValidationError: empty, larger
    than DOCUMENT_MAX_UPLOAD_BYTES (refused on its declared size before reading; never more
    than the limit and one byte read), or not a PDF, JPEG or PNG by its content."""
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    too_large = ValidationError(
        _("Le fichier dépasse %(size)s Mo."), code="too_large", params={"size": _megabytes(limit)}
    )
    if (getattr(uploaded_file, "size", None) or 0) > limit:
        raise too_large
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ValidationError(
            _("Seuls les fichiers PDF, JPEG ou PNG sont acceptés."), code="invalid_type"
        )
    return data, content_type
