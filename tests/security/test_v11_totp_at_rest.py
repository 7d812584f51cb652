"""TOTP secrets encrypted at rest (ASVS 11: cryptography): the column holds a Fernet token under
ENCRYPTION_KEY, which production must configure; the migration encrypts secrets already
enrolled (tests/test_migrations.py) and rotating the key keeps them readable."""

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from chibo_flow import create_app
from chibo_flow.auth import totp
from chibo_flow.extensions import db
from chibo_flow.models import User
from tests.conftest import TEST_ENCRYPTION_KEY, log_in
from tests.support import config_for


def _stored(user_id: int) -> str:
    """The TOTP secret column as the database holds it."""
    return db.session.execute(
        text('SELECT totp_secret FROM "user" WHERE id = :id'), {"id": user_id}
    ).scalar_one()


def test_the_database_holds_no_usable_secret(db, world, client):
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    secret = secretary.totp_secret
    stored = _stored(secretary.id)

    assert secret not in stored and stored.startswith("gAAAAA")
    assert Fernet(TEST_ENCRYPTION_KEY).decrypt(stored.encode()).decode() == secret
    db.session.expire_all()
    assert db.session.get(User, secretary.id).totp_secret == secret, "read back in clear"
    assert log_in(client, secretary).headers["Location"] == "/"


@pytest.mark.parametrize("key", [None, "", "not-a-fernet-key"])
@pytest.mark.parametrize("environment", ["production", "staging"])
def test_production_needs_an_encryption_key(env, key, environment):
    settings = {**env, "CHIBO_FLOW_ENV": environment, "SECRET_KEY": "s" * 48}
    settings.pop("ENCRYPTION_KEY")
    if key is not None:
        settings["ENCRYPTION_KEY"] = key
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEY"):
        create_app(config_for(settings))


def test_development_derives_a_key_and_production_takes_the_configured_one(env):
    development = {key: value for key, value in env.items() if key != "ENCRYPTION_KEY"}
    derived = create_app(config_for(development)).config["ENCRYPTION_KEYS"]
    assert len(derived) == 1 and Fernet(derived[0])
    production = {**env, "CHIBO_FLOW_ENV": "production", "SECRET_KEY": "s" * 48,
                  "PUBLIC_URL": "https://chibo.test"}  # fmt: skip
    assert create_app(config_for(production)).config["ENCRYPTION_KEYS"] == [TEST_ENCRYPTION_KEY]


def test_a_rotated_key_still_reads_the_old_secrets(env, db, world):
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    secret = secretary.totp_secret
    new_key = Fernet.generate_key().decode()
    rotated = create_app(config_for({**env, "ENCRYPTION_KEY": f"{new_key},{TEST_ENCRYPTION_KEY}"}))
    with rotated.app_context():
        user = db.session.get(User, secretary.id)
        assert user.totp_secret == secret
        user.totp_secret = pyotp.random_base32()  # written again: under the new key
        db.session.commit()
        assert Fernet(new_key).decrypt(_stored(secretary.id).encode())
        db.session.remove()
        db.engine.dispose()  # this app's own connections
