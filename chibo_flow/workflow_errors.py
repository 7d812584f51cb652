"""The errors a refused action raises (a leaf module: views, API, CLI and the modules the
workflow uses import them without importing the workflow)."""


class WorkflowError(Exception):
    """A refused action; `status` and `code` map it to HTTP and JSON."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The actor may not do this (403)."""

    status = 403
    code = "forbidden"


class Conflict(WorkflowError):
    """Stale version or a repeated action (409)."""

    status = 409
    code = "conflict"


class TooLarge(WorkflowError):
    """What was sent is larger than the server takes (413)."""

    status = 413
    code = "too_large"


class Invalid(WorkflowError):
    """The request is well-formed but cannot be applied (422)."""

    status = 422
    code = "invalid"


class RowsInvalid(Invalid):
    """A file refused row by row (422); `rows` lists [{"row": n, "message": ...}]."""

    def __init__(self, message: str, rows: list[dict]) -> None:
        super().__init__(message)
        self.rows = rows
