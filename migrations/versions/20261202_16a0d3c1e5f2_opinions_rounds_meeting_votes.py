"""opinions and rounds: a member's opinion can be changed or taken back (vote.superseded_at,
one current opinion per member per round instead of one vote), its reason (vote.reason), the
round's deadline (programme.review_deadline, org.opinion_days) and votes taken at a meeting
(meeting_vote)

Revision ID: 16a0d3c1e5f2
Revises: 7a3f5c1e9d20
Create Date: 2026-12-02 11:10:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "16a0d3c1e5f2"
down_revision = "7a3f5c1e9d20"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("org") as batch_op:
        batch_op.add_column(
            sa.Column("opinion_days", sa.Integer(), server_default="5", nullable=False)
        )
    with op.batch_alter_table("programme") as batch_op:
        batch_op.add_column(sa.Column("review_deadline", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("vote") as batch_op:
        batch_op.drop_constraint("uq_vote_programme_id_review_round_user_id", type_="unique")
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "uq_vote_current",
        "vote",
        ["programme_id", "review_round", "user_id"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.create_table(
        "meeting_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.LargeBinary(), nullable=False),
        sa.Column("minutes_name", sa.String(length=200), nullable=False),
        sa.Column("minutes_type", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_meeting_vote_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_meeting_vote_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_meeting_vote_revision_id_revision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_vote")),
    )
    op.create_index(
        op.f("ix_meeting_vote_programme_id"), "meeting_vote", ["programme_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_vote_programme_id"), table_name="meeting_vote")
    op.drop_table("meeting_vote")
    op.drop_index("uq_vote_current", table_name="vote")
    # Only the current opinions survive a downgrade (the old schema keeps one per member).
    op.execute(
        "UPDATE comment SET vote_id = NULL"
        " WHERE vote_id IN (SELECT id FROM vote WHERE superseded_at IS NOT NULL)"
    )
    op.execute("DELETE FROM vote WHERE superseded_at IS NOT NULL")
    with op.batch_alter_table("vote") as batch_op:
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("reason")
        batch_op.create_unique_constraint(
            "uq_vote_programme_id_review_round_user_id", ["programme_id", "review_round", "user_id"]
        )
    with op.batch_alter_table("programme") as batch_op:
        batch_op.drop_column("review_deadline")
    with op.batch_alter_table("org") as batch_op:
        batch_op.drop_column("opinion_days")
