"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and can be rolled back to nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from chibo_flow import create_app
from chibo_flow.extensions import db
from chibo_flow.models import User
from tests.conftest import DATABASES
from tests.support import ROOT, config_for, flask_cli, postgres_database


@pytest.fixture(params=DATABASES)
def empty_env(request, tmp_path) -> Iterator[dict[str, str]]:
    """Environment pointing at a brand-new, empty database (not the suite's shared one)."""
    broker = {"CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"}
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", **broker}
    else:
        with postgres_database() as url:
            yield {"DATABASE_URL": url, **broker}


@pytest.fixture
def empty_app(empty_env) -> Iterator:
    """The app bound to the empty database, inside an app context."""
    app = create_app(config_for(empty_env))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_diff() -> list:
    """What Alembic's autogenerate would still change to make the database match the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": server_default_differs}
        )
        return compare_metadata(context, db.metadata)


def server_default_differs(
    context, inspected_column, metadata_column, inspected, metadata, rendered
):
    """Alembic's comparison, except that SQLite's reflected DEFAULT '' equals an empty default
    (Alembic's SQLite rule only unquotes non-empty strings, so it reports a false change)."""
    if context.dialect.name == "sqlite" and inspected in ("''", "('')") and rendered in ("", "''"):
        return False
    return None


def table_names() -> set[str]:
    """Tables in the database right now."""
    return set(inspect(db.engine).get_table_names())


def test_flask_db_upgrade_builds_exactly_the_models(empty_env, empty_app):
    result = flask_cli(empty_env, "db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert schema_diff() == []
    assert table_names() == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(empty_app):
    upgrade()
    downgrade(revision="base")

    assert table_names() == {"alembic_version"}

    upgrade()
    assert schema_diff() == []


def test_programme_points_at_its_current_revision_by_a_named_foreign_key(empty_app):
    upgrade()

    keys = inspect(db.engine).get_foreign_keys("programme")
    current = [k for k in keys if k["constrained_columns"] == ["current_revision_id"]]
    assert [(k["name"], k["referred_table"]) for k in current] == [
        ("fk_programme_current_revision_id_revision", "revision")
    ]


def test_revisions_form_one_line_of_history():
    script = ScriptDirectory(str(Path(ROOT) / "migrations"))

    assert len(script.get_heads()) == 1, "merge the branches: flask --app wsgi db merge heads"


TOTP_PLAIN = "3c9e4b7a1d52"  # the last revision that stored TOTP secrets in clear


def _stored_secret(user_id: int) -> str:
    return db.session.execute(
        text('SELECT totp_secret FROM "user" WHERE id = :id'), {"id": user_id}
    ).scalar_one()


def test_the_migration_encrypts_the_secrets_already_enrolled(empty_app):
    upgrade(revision=TOTP_PLAIN)
    db.session.execute(
        text(
            'INSERT INTO "user" (email, name, password_hash, active, created_at, totp_secret) '
            "VALUES ('a@chibo.test', 'A', 'x', true, CURRENT_TIMESTAMP, 'JBSWY3DPEHPK3PXP')"
        )
    )
    db.session.commit()
    user_id = db.session.execute(text('SELECT id FROM "user"')).scalar_one()
    db.session.commit()  # no transaction left open: PostgreSQL's ALTER TABLE would wait for it

    upgrade()
    stored = _stored_secret(user_id)
    assert stored.startswith("gAAAAA")
    assert db.session.get(User, user_id).totp_secret == "JBSWY3DPEHPK3PXP"
    db.session.commit()

    downgrade(revision=TOTP_PLAIN)
    assert _stored_secret(user_id) == "JBSWY3DPEHPK3PXP"
    db.session.commit()
    db.session.remove()
