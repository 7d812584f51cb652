"""TOTP secrets encrypted at rest: user.totp_secret holds a Fernet token under ENCRYPTION_KEY
(wider column); the secrets already enrolled are encrypted in place, and decrypted again on
downgrade

Revision ID: 3b7e2f9a4c61
Revises: 3c9e4b7a1d52
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from chibo_flow.security.encryption import decrypt, encrypt

# revision identifiers, used by Alembic.
revision = "3b7e2f9a4c61"
down_revision = "3c9e4b7a1d52"
branch_labels = None
depends_on = None

FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so; a base32 secret never does
users = sa.table("user", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _rewrite(change, done) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.totp_secret)
                              .where(users.c.totp_secret.is_not(None))).all()  # fmt: skip
    for user_id, secret in rows:
        if not done(secret):
            connection.execute(
                users.update().where(users.c.id == user_id).values(totp_secret=change(secret))
            )


def upgrade() -> None:
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
    _rewrite(encrypt, lambda secret: secret.startswith(FERNET_PREFIX))


def downgrade() -> None:
    _rewrite(decrypt, lambda secret: not secret.startswith(FERNET_PREFIX))
    with op.batch_alter_table("user") as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
