"""The size limits of what people send: ids, JSON depth, text lengths and a document's size.

A leaf module (constants and one pure check): the request checks (security.bounds), the API
schemas, the forms and the workflow's content rule all read their numbers here.
"""

from typing import Any

from wtforms.validators import NumberRange

from chibo_flow import messages

MAX_ID = 2**31 - 1  # ids and versions are INTEGER columns
MAX_JSON_DEPTH = 32  # a ProgrammeDoc nests sections at most a few levels deep
MAX_TEXT_CHARS = 100_000  # one value of a request: at most a whole document pasted as text
MAX_DOCUMENT_CHARS = 60_000  # the text of a programme (the seed has 10,000): ~25 pages
# The text of a file read for import: its document and a page's menus, tables and notes. More
# is refused before its structure is read: it could not be kept, and reading 5 MB of text for
# its structure took 5-20 s of a web worker.
MAX_SOURCE_CHARS = 3 * MAX_DOCUMENT_CHARS
MAX_PARAGRAPH_CHARS = 10_000  # one paragraph (laying out one long paragraph is slow)
MAX_COMMENT_CHARS = 5_000  # a reason, a comment or a reply
MAX_EMAIL_CHARS = 254  # RFC 5321
MAX_LIST_ITEMS = 1_000  # e.g. the people of one directory group
MAX_PAGE = 100_000  # a larger page number in a link is read as this one (an SQL OFFSET fits)

# The validator of a form field that names a row by its id (a larger one is no row at all).
ID_RANGE = NumberRange(min=0, max=MAX_ID)


def document_too_long(doc: dict[str, Any]) -> str | None:
    """Why a ProgrammeDoc dict is too long to keep and lay out (a message), else None."""
    total = 0
    todo: list[Any] = [doc]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        elif isinstance(value, str):
            if len(value) > MAX_PARAGRAPH_CHARS:
                return messages.PARAGRAPH_TOO_LONG.format(limit=count_text(MAX_PARAGRAPH_CHARS))
            total += len(value)
    if total > MAX_DOCUMENT_CHARS:
        return messages.DOCUMENT_TOO_LONG.format(
            limit=count_text(MAX_DOCUMENT_CHARS), count=count_text(total)
        )
    return None


def count_text(n: int) -> str:
    """A count written the Vietnamese way: 60.000."""
    return f"{n:,}".replace(",", ".")
