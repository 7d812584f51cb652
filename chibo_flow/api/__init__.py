"""The JSON API under /api/v1: flask-smorest blueprints whose OpenAPI document is generated."""

from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api

from chibo_flow.api.decision import blp as decision_blp
from chibo_flow.api.directory import blp as directory_blp
from chibo_flow.api.orgs import blp as orgs_blp
from chibo_flow.api.registers import blp as registers_blp
from chibo_flow.api.schemas import ErrorSchema
from chibo_flow.api.verify import blp as verify_blp
from chibo_flow.api.views import blp
from chibo_flow.extensions import csrf

BEARER_SCHEME = "bearerAuth"


class ChiboApi(Api):
    """flask-smorest's Api with our error shape; errors are answered by chibo_flow.errors."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Leave HTTP errors to chibo_flow.errors, which answers `{"error": {code, message}}`."""


class SchemaExtrasPlugin(BasePlugin):
    """Adds to a schema's OpenAPI definition what marshmallow fields cannot say (e.g. `oneOf`
    for "exactly one of text and doc"), read from the schema's `Meta.openapi`."""

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        return getattr(getattr(schema_class, "Meta", None), "openapi", None)


def init_api(app: Flask) -> ChiboApi:
    """Create this app's Api, declare the bearer scheme and register the API blueprints
    (programmes; their decision records; directory; orgs; registers; the public verify
    endpoint)."""
    api = ChiboApi(
        app,
        spec_kwargs={
            "security": [{BEARER_SCHEME: []}],
            "extra_plugins": [SchemaExtrasPlugin()],
        },
    )
    api.spec.components.security_scheme(
        BEARER_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "flask users token EMAIL"},
    )
    app.json.ensure_ascii = False  # Vietnamese stays readable in API answers and the spec
    for blueprint in (blp, decision_blp, directory_blp, orgs_blp, registers_blp, verify_blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    return api
