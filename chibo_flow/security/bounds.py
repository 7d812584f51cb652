"""Bounds on what a request may carry, checked once before any view reads it.

- ids in URLs fit the database's 32-bit integers: the `int` URL converter is bounded, so
  `/programmes/4294967296` is a 404 like any unknown id (PostgreSQL would refuse the value);
- no NUL byte or lone surrogate in a query, a form or a JSON body (PostgreSQL cannot store
  them; no text typed by a person holds them), no value longer than a whole document, no JSON
  number beyond 32 bits (form fields that name a row are bounded by their own validators:
  `ID_RANGE`);
- JSON bodies nested at most MAX_JSON_DEPTH deep.

The API answers 422 (JSON error), the pages 400, each with a Vietnamese message saying why.
The numbers are in chibo_flow.security.limits, with the bound on a document's own size.
"""

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter

from chibo_flow import messages
from chibo_flow.errors import error_response, wants_json
from chibo_flow.security.limits import MAX_ID, MAX_JSON_DEPTH, MAX_TEXT_CHARS, count_text

FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` matches 0 … MAX_ID only: a larger id is a 404, not a database error."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_bounds(app: Flask) -> None:
    """Bound the `int` converter (before any route is added) and check every request."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)


def check_request() -> Response | None:
    """Before each request: refuse a request carrying a value out of bounds (422 in the API,
    400 on the pages), with the message of the first problem found."""
    problem = _problem(_form_values()) or _json_problem()
    if problem is None:
        return None
    if wants_json():
        return error_response(422, problem, "invalid")
    return error_response(400, problem, "bad_request")


def _form_values() -> Iterator[str]:
    """Keys and values of the query string and of a submitted form (not of uploaded files)."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            yield key
            yield value


def _problem(values: Iterator[str]) -> str | None:
    """The message for the first value out of bounds, else None."""
    for value in values:
        if FORBIDDEN_CHARACTERS.search(value):
            return messages.INPUT_BAD_CHARACTERS
        if len(value) > MAX_TEXT_CHARS:
            return messages.INPUT_TOO_LONG.format(limit=count_text(MAX_TEXT_CHARS))
    return None


def _json_problem() -> str | None:
    """Depth, characters, lengths and integers of a JSON body (None when there is none)."""
    if not request.is_json or not request.content_length:
        return None
    try:
        body = request.get_json(silent=True)  # None for a body that is not JSON: webargs says so
    except RecursionError:
        return messages.INPUT_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
    strings: list[str] = []
    todo: list[tuple[Any, int]] = [(body, 0)]
    while todo:
        value, depth = todo.pop()
        if depth > MAX_JSON_DEPTH:
            return messages.INPUT_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
        if isinstance(value, dict):
            strings.extend(value)
            todo.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            todo.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            strings.append(value)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
            return messages.INPUT_NUMBER_TOO_LARGE
    return _problem(iter(strings))
