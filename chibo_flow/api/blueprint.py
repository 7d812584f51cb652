"""The Blueprint every /api/v1 module uses: flask-smorest's, whose argument parser answers 415
when a request carries a body of another media type than its endpoint reads."""

import flask
import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from chibo_flow import messages

MULTIPART = "multipart/form-data"
FORM_TYPES = (MULTIPART, "application/x-www-form-urlencoded")


class MediaTypeParser(FlaskParser):
    """webargs' parser, strict about the body's media type: a JSON endpoint given a form or text
    (`curl -d` without `-H "Content-Type: application/json"`), or a file endpoint given JSON,
    is refused with 415 and what to send, instead of a 422 that names a field as missing. An
    empty body is left to validation (422: which fields are needed)."""

    def load_json(self, req: flask.Request, schema: Schema):
        if _has_body(req) and not is_json_request(req):
            raise UnsupportedMediaType(messages.API_JSON_EXPECTED)
        return super().load_json(req, schema)

    def load_files(self, req: flask.Request, schema: Schema):
        if _has_body(req) and req.mimetype != MULTIPART:
            raise UnsupportedMediaType(messages.API_MULTIPART_EXPECTED)
        return super().load_files(req, schema)

    def load_form(self, req: flask.Request, schema: Schema):
        if _has_body(req) and req.mimetype not in FORM_TYPES:
            raise UnsupportedMediaType(messages.API_MULTIPART_EXPECTED)
        return super().load_form(req, schema)


def _has_body(req: flask.Request) -> bool:
    return bool(req.content_length) or req.headers.get("Transfer-Encoding") == "chunked"


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with MediaTypeParser."""

    ARGUMENTS_PARSER = MediaTypeParser()
