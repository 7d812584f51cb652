"""draft previews: the PDF preview of a draft, rendered by a worker instead of in the web
request, kept for the programme version it shows

Revision ID: 8d4c1a7e2b95
Revises: b18e0a4c7d31
Create Date: 2026-12-02 14:10:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d4c1a7e2b95"
down_revision = "b18e0a4c7d31"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_preview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_draft_preview_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_preview")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_draft_preview_programme_id")),
    )


def downgrade() -> None:
    op.drop_table("draft_preview")
