"""domain events: the outbox of what happened to a programme (approval with its frozen
recipients in one row); each Delivery row points at the event it was expanded from, once per
address

Revision ID: 5e1a9c7d2b40
Revises: 5e1a9c3d7b20
Create Date: 2026-12-02 05:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1a9c7d2b40"
down_revision = "5e1a9c3d7b20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "domain_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=40), server_default="", nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_domain_event_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_domain_event_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_domain_event_revision_id_revision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_event")),
    )
    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_domain_event_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index("ix_domain_event_undispatched", ["dispatched_at", "id"], unique=False)

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_delivery_event_id_domain_event"), "domain_event", ["event_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_event_id_kind_address"), ["event_id", "kind", "address"]
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_delivery_event_id_kind_address"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_delivery_event_id_domain_event"), type_="foreignkey"
        )
        batch_op.drop_column("event_id")

    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.drop_index("ix_domain_event_undispatched")
        batch_op.drop_index(batch_op.f("ix_domain_event_programme_id"))

    op.drop_table("domain_event")
