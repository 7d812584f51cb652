"""Alembic environment for Flask-Migrate: the app's engine and metadata, batch mode on SQLite."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import TypeDecorator

config = context.config
# Keep loggers configured by the app (and by pytest) alive when migrations run in-process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators (UTCDateTime, NFCString) as the plain type they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def process_revision_directives(context, revision, directives):
    """Do not write an empty revision when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def configure_args() -> dict:
    """Options shared by online and offline runs."""
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("process_revision_directives", process_revision_directives)
    args.setdefault("render_item", render_item)
    args.setdefault("compare_type", True)
    # SQLite cannot ALTER constraints: batch operations rebuild the table there (move and copy)
    # and are plain ALTERs on PostgreSQL, so a revision generated on either runs on both.
    args.setdefault("render_as_batch", True)
    return args


def run_migrations_offline() -> None:
    """Emit SQL to stdout (`flask db upgrade --sql`)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_db.metadata,
        literal_binds=True,
        **configure_args(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the app's database."""
    with target_db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            **configure_args(),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
