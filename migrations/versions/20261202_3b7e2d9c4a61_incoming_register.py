"""the incoming register (liên thông): incoming_entry (one per receiving org and programme,
numbered per org and year) and group.receiving_org_id (a directory group standing for an org)

Revision ID: 3b7e2d9c4a61
Revises: 9b4e2f7a1c30
Create Date: 2026-12-02 13:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b7e2d9c4a61"
down_revision = "9b4e2f7a1c30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("group") as batch_op:
        batch_op.add_column(sa.Column("receiving_org_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_group_receiving_org_id_org"), "org", ["receiving_org_id"], ["id"]
        )
    op.create_table(
        "incoming_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("incoming_number", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["user.id"], name=op.f("fk_incoming_entry_confirmed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["org.id"], name=op.f("fk_incoming_entry_from_org_id_org")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_incoming_entry_org_id_org")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_incoming_entry_programme_id_programme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incoming_entry")),
        sa.UniqueConstraint(
            "org_id", "programme_id", name=op.f("uq_incoming_entry_org_id_programme_id")
        ),
        sa.UniqueConstraint(
            "org_id",
            "year",
            "incoming_number",
            name=op.f("uq_incoming_entry_org_id_year_incoming_number"),
        ),
    )
    op.create_index(op.f("ix_incoming_entry_org_id"), "incoming_entry", ["org_id"], unique=False)
    op.create_index(
        op.f("ix_incoming_entry_programme_id"), "incoming_entry", ["programme_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incoming_entry_programme_id"), table_name="incoming_entry")
    op.drop_index(op.f("ix_incoming_entry_org_id"), table_name="incoming_entry")
    op.drop_table("incoming_entry")
    with op.batch_alter_table("group") as batch_op:
        batch_op.drop_constraint("fk_group_receiving_org_id_org", type_="foreignkey")
        batch_op.drop_column("receiving_org_id")
