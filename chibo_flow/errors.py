"""Error handling: JSON `{"error": {"code", "message"}}` for the API, Vietnamese pages
for people."""

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.uploads import megabytes
from chibo_flow.workflow_errors import RowsInvalid, WorkflowError

log = logging.getLogger(__name__)

MESSAGES_BY_STATUS = {
    400: messages.BAD_REQUEST,
    401: messages.LOGIN_REQUIRED,
    403: messages.FORBIDDEN,
    404: messages.NOT_FOUND,
    409: messages.STALE_VERSION,
    413: messages.TOO_LARGE,
    429: messages.TOO_MANY_REQUESTS,
    500: messages.SERVER_ERROR,
}
CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def wants_json() -> bool:
    """API clients get JSON errors; people get pages."""
    return request.path.startswith("/api/")


def error_response(
    status: int, message: str | None = None, code: str | None = None, **details: object
) -> Response:
    """One error shape for every failure: JSON for the API (with `details` beside code and
    message), a Vietnamese page otherwise."""
    if message is None and status == 413 and wants_json():  # the pages' wording speaks of a form
        limit = megabytes(current_app.config["MAX_CONTENT_LENGTH"])
        message = messages.API_TOO_LARGE.format(limit=limit)
    message = message or MESSAGES_BY_STATUS.get(status, messages.BAD_REQUEST)
    code = code or CODES_BY_STATUS.get(status, "error")
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, **details}})
    else:
        response = Response(render_template("errors/error.html", status=status, message=message))
    response.status_code = status
    return response


def init_errors(app: Flask) -> None:
    """Register the handlers; a 500 rolls the session back before answering."""

    @app.errorhandler(WorkflowError)
    def workflow_error(exc: WorkflowError) -> Response:
        details = {"rows": exc.rows} if isinstance(exc, RowsInvalid) else {}
        return error_response(exc.status, exc.message, exc.code, **details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Response:
        return error_response(400, messages.CSRF_FAILED, "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if isinstance(exc, InternalServerError):
            return server_error(exc)
        if exc.response is not None:  # an answer of its own (a rate limit's on_breach)
            return exc.response
        message = exc.description if _is_ours(exc) else None
        response = error_response(exc.code or 500, message)
        for name, value in exc.get_headers():  # e.g. a 405's Allow (RFC 9110 §15.5.6)
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def server_error(exc: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error", exc_info=getattr(exc, "original_exception", exc))
        return error_response(500)


def _is_ours(exc: HTTPException) -> bool:
    """True when the description was written by us (abort(4xx, messages.X)), not Werkzeug's."""
    return exc.description != type(exc).description
