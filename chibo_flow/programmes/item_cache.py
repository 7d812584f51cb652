"""The rendered HTML of list items, cached per process (a named performance mechanism).

An item of the home page's lists shows only what its row holds (chibo_flow.programmes.lists
selects it), so each distinct row is rendered once per process and its HTML reused while the row
is unchanged: the page shows mostly the same rows on every load (approved programmes never
change). bench/pages: the đảng viên's page 0.46 → 0.65 of the bare-Flask baseline with it
(bench/README.md). tests/web/test_lists.py checks that an item shows the programme as it is now
and that its links follow the mount point.
"""

from functools import lru_cache

from flask import current_app, request
from jinja2 import Template
from markupsafe import Markup

from chibo_flow.programmes.lists import ListRow

LIST_ITEM_TEMPLATE = "programmes/_list_item.html"


def list_items(rows: list[ListRow]) -> Markup:
    """The home page's items for `rows`. An item shows only what its row holds, so each distinct
    row is rendered once per process and its HTML reused while the row is unchanged: the page
    shows mostly the same rows on every load (approved programmes never change)."""
    template = current_app.jinja_env.get_template(LIST_ITEM_TEMPLATE)
    script_root = request.script_root
    # Every item is Markup already: a plain join spares escaping each one again.
    return Markup("\n".join(_list_item(template, script_root, row) for row in rows))


@lru_cache(maxsize=4096)
def _list_item(template: Template, script_root: str, row: ListRow) -> Markup:
    """`row` rendered by the list_item macro of `template`. The arguments are the item's whole
    input: the template (of one app, replaced when its file changes in debug mode) and the
    script root its links start with."""
    return template.module.list_item(row)
