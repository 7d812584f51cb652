"""org administration: members' position (chức vụ), invitations, closed orgs, recipient requests
and whether secretaries add recipients themselves

Revision ID: b18e0a4c7d31
Revises: 3b7e2d9c4a61
Create Date: 2026-12-02 13:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b18e0a4c7d31"
down_revision = "3b7e2d9c4a61"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=200), nullable=True))
    with op.batch_alter_table("org") as batch_op:
        batch_op.add_column(
            sa.Column(
                "secretaries_add_recipients",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )  # fmt: skip
        )
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invitation") as batch_op:
        batch_op.create_index("ix_invitation_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_invitation_org_id", ["org_id"], unique=False)
    op.create_table(
        "recipient_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"]),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recipient_request") as batch_op:
        batch_op.create_index("ix_recipient_request_org_id", ["org_id"], unique=False)


def downgrade() -> None:
    op.drop_table("recipient_request")
    op.drop_table("invitation")
    with op.batch_alter_table("org") as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("secretaries_add_recipients")
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("position")
