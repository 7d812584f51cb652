"""The baseline for bench/pages.py: a bare Flask page showing 50 programmes from one query.

No login, no ORM session, no layout: the least a server can do to show the same rows, so the
ratio to it says what the real list page costs on top. `gunicorn bench.baseline:app`.
"""

import os

from flask import Flask
from sqlalchemy import create_engine, select

from chibo_flow.demo import ORG
from chibo_flow.models import Org, Programme
from chibo_flow.models.programmes import State

TEMPLATE = """<!doctype html>
<title>Chương trình</title>
<ul>
{%- for row in rows %}
  <li><a href="/programmes/{{ row.id }}">{{ row.doc_type | capitalize }}: {{ row.title }}</a>
    {{ row.state }} Số {{ row.number }} {{ row.org_name }} {{ row.approved_at.isoformat() }}</li>
{%- endfor %}
</ul>"""

programme = Programme.__table__
org = Org.__table__
# The first page of the list page's "Đã thông qua" section: same rows, same order.
QUERY = (
    select(
        programme.c.id,
        programme.c.doc_type,
        programme.c.title,
        programme.c.state,
        programme.c.number,
        programme.c.approved_at,
        org.c.name.label("org_name"),
    )
    .join(org, org.c.id == programme.c.org_id)
    .where(org.c.name == ORG, programme.c.state == State.APPROVED)
    .order_by(programme.c.approved_at.desc(), programme.c.id.desc())
    .limit(50)
)

engine = create_engine(os.environ["DATABASE_URL"])
app = Flask(__name__)
# Compiled once, as render_template does for template files (render_template_string would
# compile it again on every request, which would make the baseline slower than bare Flask is).
template = app.jinja_env.from_string(TEMPLATE)


@app.get("/")
def index() -> str:
    """Fifty approved programmes of the demo org, rendered with a minimal template."""
    with engine.connect() as conn:
        rows = conn.execute(QUERY).all()
    return template.render(rows=rows)
