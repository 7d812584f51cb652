"""review: comment threads (replies, section anchors, resolution), votes cast on behalf of
another member, vote delegations, which revision each reviewer saw, reminder intervals per org,
and notification deliveries told apart by `notice_key`

Revision ID: b8789fe0f998
Revises: 3c83ad7f89cb
Create Date: 2026-11-25 15:10:57.684230
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8789fe0f998"
down_revision = "3c83ad7f89cb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["user.id"],
            name=op.f("fk_delegation_from_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org.id"], name=op.f("fk_delegation_org_id_org"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["user.id"],
            name=op.f("fk_delegation_to_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegation_org_id"), ["org_id"], unique=False)

    op.create_table(
        "review_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_review_view_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revision.id"],
            name=op.f("fk_review_view_revision_id_revision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_review_view_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_view")),
        sa.UniqueConstraint(
            "revision_id", "user_id", name=op.f("uq_review_view_revision_id_user_id")
        ),
    )
    with op.batch_alter_table("review_view", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_view_programme_id"), ["programme_id"], unique=False
        )

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("anchor", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_comment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_comment_parent_id_comment"),
            "comment",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comment_vote_id_vote"), "vote", ["vote_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comment_resolved_by_id_user"), "user", ["resolved_by_id"], ["id"]
        )

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notice_key", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.drop_constraint(
            batch_op.f("uq_delivery_programme_id_revision_id_kind_address"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_programme_id_revision_id_kind_address_notice_key"),
            ["programme_id", "revision_id", "kind", "address", "notice_key"],
        )

    with op.batch_alter_table("org", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_after_days", sa.Integer(), server_default="2", nullable=False)
        )
        batch_op.add_column(
            sa.Column("escalate_after_days", sa.Integer(), server_default="5", nullable=False)
        )

    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cast_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_vote_cast_by_id_user"), "user", ["cast_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_vote_cast_by_id_user"), type_="foreignkey")
        batch_op.drop_column("cast_by_id")

    with op.batch_alter_table("org", schema=None) as batch_op:
        batch_op.drop_column("escalate_after_days")
        batch_op.drop_column("reminder_after_days")

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_delivery_programme_id_revision_id_kind_address_notice_key"),
            type_="unique",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_programme_id_revision_id_kind_address"),
            ["programme_id", "revision_id", "kind", "address"],
        )
        batch_op.drop_column("notice_key")

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comment_resolved_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comment_vote_id_vote"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comment_parent_id_comment"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_comment_parent_id"))
        batch_op.drop_column("resolved_by_id")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("vote_id")
        batch_op.drop_column("anchor")
        batch_op.drop_column("parent_id")

    with op.batch_alter_table("review_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_view_programme_id"))

    op.drop_table("review_view")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_org_id"))

    op.drop_table("delegation")
