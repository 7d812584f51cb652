"""final copies: the issued PDF and DOCX of each approved programme, with its fingerprint
and public verification code

Revision ID: 64490eb3bbe1
Revises: fa1f458113c3
Create Date: 2026-11-25 14:34:02.668532
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "64490eb3bbe1"
down_revision = "fa1f458113c3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "final_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("verify_code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_final_copy_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_final_copy_revision_id_revision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_copy")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_final_copy_programme_id")),
        sa.UniqueConstraint("verify_code", name=op.f("uq_final_copy_verify_code")),
    )


def downgrade() -> None:
    op.drop_table("final_copy")
