"""account emails are Delivery rows too: a delivery and a domain event may concern no programme
(an email about a person's own account: password reset, account locked, ...)

Revision ID: 3c9e4b7a1d52
Revises: 16a0d3c1e5f2
Create Date: 2026-12-02 13:45:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c9e4b7a1d52"
down_revision = "16a0d3c1e5f2"
branch_labels = None
depends_on = None

TABLES = ("delivery", "domain_event")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("programme_id", existing_type=sa.Integer(), nullable=True)
            batch_op.alter_column("revision_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Account emails and their events have no programme to keep them by.
    op.execute("DELETE FROM delivery WHERE programme_id IS NULL")
    op.execute("DELETE FROM domain_event WHERE programme_id IS NULL")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("programme_id", existing_type=sa.Integer(), nullable=False)
            batch_op.alter_column("revision_id", existing_type=sa.Integer(), nullable=False)
