"""The rendered HTML of list items, cached per process (a named performance mechanism).

An item of the home page's lists shows only what its row holds (chibo_flow.programmes.lists
selects it), whether its review deadline has passed (read at each render) and whether the
viewer may see its trích yếu (a "mật" one needs a second factor), so each distinct row and its
two flags are rendered once per process and the HTML reused while the row is unchanged: the
page shows mostly the same rows on every load (approved programmes never change).
bench/pages: the đảng viên's page 0.42 → 0.56 of the bare-Flask baseline with it
(session 11, bench/README.md). tests/web/test_lists.py checks that an item shows the programme
as it is now and that its links follow the mount point.
"""

from functools import lru_cache
from typing import Any

from flask import current_app, request
from jinja2 import Template
from markupsafe import Markup

from chibo_flow.models.programmes import State
from chibo_flow.programmes.lists import ListRow
from chibo_flow.review.deadlines import past
from chibo_flow.secret_reading import content_withheld

LIST_ITEM_TEMPLATE = "programmes/_list_item.html"


def list_items(rows: list[ListRow], viewer: Any) -> Markup:
    """The home page's items for `rows` as `viewer` is shown them. An item shows only what its
    row holds, so each distinct row is rendered once per process and its HTML reused while the
    row is unchanged: the page shows mostly the same rows on every load (approved programmes
    never change)."""
    template = current_app.jinja_env.get_template(LIST_ITEM_TEMPLATE)
    script_root = request.script_root
    # Every item is Markup already: a plain join spares escaping each one again. Whether a
    # deadline has passed changes with the clock, and whether the trích yếu is withheld with
    # the viewer, not the row: both are part of the key.
    items = (
        _list_item(template, script_root, row, _overdue(row), content_withheld(row, viewer))
        for row in rows
    )
    return Markup("\n".join(items))


def _overdue(row: ListRow) -> bool:
    """Whether the row's round is in review past its hạn cho ý kiến (quá hạn) now."""
    return row.state == State.REVIEW and past(row.review_deadline)


@lru_cache(maxsize=4096)
def _list_item(
    template: Template, script_root: str, row: ListRow, overdue: bool, withheld: bool
) -> Markup:
    """`row` rendered by the list_item macro of `template`. The arguments are the item's whole
    input: the template (of one app, replaced when its file changes in debug mode), the
    script root its links start with, whether its review deadline has passed (quá hạn) and
    whether its trích yếu is withheld from the viewer."""
    return template.module.list_item(row, overdue, withheld)
