"""initial schema: users and orgs, programmes and revisions, directory, deliveries, audit

Revision ID: fa1f458113c3
Revises:
Create Date: 2026-11-25 14:13:59.516171
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fa1f458113c3"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("approvals_required", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["org.id"], name=op.f("fk_org_parent_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org")),
        sa.UniqueConstraint("name", name=op.f("uq_org_name")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_api_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_token_token_sha256")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)
    op.create_table(
        "directory_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_directory_entry_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_entry")),
    )
    op.create_index(op.f("ix_directory_entry_org_id"), "directory_entry", ["org_id"], unique=False)
    op.create_table(
        "group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("members_of_org_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["members_of_org_id"], ["org.id"], name=op.f("fk_group_members_of_org_id_org")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_group_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_group_org_id_name")),
    )
    op.create_index(op.f("ix_group_org_id"), "group", ["org_id"], unique=False)
    op.create_table(
        "login_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_login_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
    )
    op.create_index(op.f("ix_login_session_user_id"), "login_session", ["user_id"], unique=False)
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org.id"], name=op.f("fk_membership_org_id_org"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_membership_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "user_id", "org_id", "role", name=op.f("uq_membership_user_id_org_id_role")
        ),
    )
    op.create_index(op.f("ix_membership_org_id"), "membership", ["org_id"], unique=False)
    op.create_index(op.f("ix_membership_user_id"), "membership", ["user_id"], unique=False)
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("doc_type", sa.String(length=50), nullable=False),
        sa.Column("current_revision_id", sa.Integer(), nullable=True),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("number_seq", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_programme_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_programme_org_id_org")),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_programme_submitted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint(
            "org_id",
            "doc_type",
            "term_start",
            "number_seq",
            name=op.f("uq_programme_org_id_doc_type_term_start_number_seq"),
        ),
    )
    op.create_index(op.f("ix_programme_org_id"), "programme", ["org_id"], unique=False)
    op.create_index(op.f("ix_programme_state"), "programme", ["state"], unique=False)
    op.create_table(
        "alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["group.id"], name=op.f("fk_alias_group_id_group"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_alias_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_alias_org_id_key")),
    )
    op.create_index(op.f("ix_alias_org_id"), "alias", ["org_id"], unique=False)
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_event_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_audit_event_programme_id_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"], unique=False)
    op.create_index(
        op.f("ix_audit_event_programme_id"), "audit_event", ["programme_id"], unique=False
    )
    op.create_table(
        "group_entry",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["directory_entry.id"],
            name=op.f("fk_group_entry_entry_id_directory_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["group.id"],
            name=op.f("fk_group_entry_group_id_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "entry_id", name=op.f("pk_group_entry")),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_revision_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_revision_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("programme_id", "seq", name=op.f("uq_revision_programme_id_seq")),
    )
    op.create_index(op.f("ix_revision_programme_id"), "revision", ["programme_id"], unique=False)
    # programme and revision point at each other: the programme's pointer to its current revision
    # is added once both tables exist (batch mode, because SQLite cannot ALTER a constraint).
    with op.batch_alter_table("programme") as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_programme_current_revision_id_revision"),
            "revision",
            ["current_revision_id"],
            ["id"],
        )
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_comment_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_comment_revision_id_revision")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_comment_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index(op.f("ix_comment_programme_id"), "comment", ["programme_id"], unique=False)
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("line", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_reply_code", sa.Integer(), nullable=True),
        sa.Column("last_reply", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_delivery_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_delivery_revision_id_revision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("message_id", name=op.f("uq_delivery_message_id")),
        sa.UniqueConstraint(
            "programme_id",
            "revision_id",
            "kind",
            "address",
            name=op.f("uq_delivery_programme_id_revision_id_kind_address"),
        ),
    )
    op.create_index(op.f("ix_delivery_programme_id"), "delivery", ["programme_id"], unique=False)
    op.create_index(op.f("ix_delivery_status"), "delivery", ["status"], unique=False)
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_vote_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_vote_revision_id_revision")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_vote_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint(
            "programme_id",
            "review_round",
            "user_id",
            name=op.f("uq_vote_programme_id_review_round_user_id"),
        ),
    )
    op.create_index(op.f("ix_vote_programme_id"), "vote", ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_programme_current_revision_id_revision"), type_="foreignkey"
        )
    op.drop_index(op.f("ix_vote_programme_id"), table_name="vote")
    op.drop_table("vote")
    op.drop_index(op.f("ix_delivery_status"), table_name="delivery")
    op.drop_index(op.f("ix_delivery_programme_id"), table_name="delivery")
    op.drop_table("delivery")
    op.drop_index(op.f("ix_comment_programme_id"), table_name="comment")
    op.drop_table("comment")
    op.drop_index(op.f("ix_revision_programme_id"), table_name="revision")
    op.drop_table("revision")
    op.drop_table("group_entry")
    op.drop_index(op.f("ix_audit_event_programme_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_at"), table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index(op.f("ix_alias_org_id"), table_name="alias")
    op.drop_table("alias")
    op.drop_index(op.f("ix_programme_state"), table_name="programme")
    op.drop_index(op.f("ix_programme_org_id"), table_name="programme")
    op.drop_table("programme")
    op.drop_index(op.f("ix_membership_user_id"), table_name="membership")
    op.drop_index(op.f("ix_membership_org_id"), table_name="membership")
    op.drop_table("membership")
    op.drop_index(op.f("ix_login_session_user_id"), table_name="login_session")
    op.drop_table("login_session")
    op.drop_index(op.f("ix_group_org_id"), table_name="group")
    op.drop_table("group")
    op.drop_index(op.f("ix_directory_entry_org_id"), table_name="directory_entry")
    op.drop_table("directory_entry")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_table("user")
    op.drop_table("org")
