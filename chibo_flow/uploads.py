"""How large a file people may upload, one number per kind, and the request that carries one.

A leaf module: the checks, the forms' labels and the app's request limit (MAX_CONTENT_LENGTH)
all read their numbers here, so that a form never promises more than a request may carry.
"""

MB = 1024 * 1024
MAX_MINUTES_BYTES = 10 * MB  # a meeting's minutes: a scanned PDF or a phone's photo of them
# What a form carries besides its file: its fields and the multipart framing.
FORM_ROOM_BYTES = 1 * MB
# The request limit: a form with the largest file a page takes. (Documents, member sheets and
# files to verify are smaller: documents/reading.MAX_UPLOAD_BYTES, 5 MB.)
MAX_REQUEST_BYTES = MAX_MINUTES_BYTES + FORM_ROOM_BYTES


def megabytes(size: int) -> str:
    """A size in bytes as the MB people read: 10485760 → "10"."""
    return f"{size / MB:g}"
