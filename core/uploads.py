"""No upload larger than the app takes: the import's limit (`IMPORT_MAX_UPLOAD_BYTES`, the
only files users send).

`LimitedUploadHandler` comes first in FILE_UPLOAD_HANDLERS, before Django's own (memory, then
a temporary file): a request whose body is declared larger than the limit (plus a margin for
the form's other fields) is stopped as its file begins, before any byte of it is read; one
whose file grows past the limit while it is read is stopped there. Either way the rest of
the body is never read, nothing of the file is kept (Django closes, so deletes, a temporary
file begun), and the view learns it from `upload_refused(request)`: the import page shows
the size error on the form, the API answers 413. The reverse proxy should refuse such a body
before it reaches the app (nginx `client_max_body_size`, see docs/api.md section 7).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# The form's other fields and the multipart framing, on top of the file itself.
MARGIN_BYTES = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handlers until the file is over the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.IMPORT_MAX_UPLOAD_BYTES
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
