"""Configuration: the environment variables README documents, read typed (pydantic-settings),
a bad value naming its variable, and no secret defaulted in production."""

import re

import pytest
from pydantic import ValidationError

from chibo_flow import create_app
from chibo_flow.config import DEMO_SIGNING_PASSPHRASE, Config, ProductionConfig, Settings
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.support import ROOT

STRONG_KEY = "k" * 48


def documented_variables() -> set[str]:
    """The variables of README's configuration table (its first column)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_readme_documents_is_read():
    documented = documented_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "SMTP_URL", "SIGNING_PKCS11_PIN"} <= documented
    assert documented <= set(Settings.model_fields)


def test_values_come_typed_from_the_environment(tmp_path):
    env = {"DELIVERY_BATCH_SIZE": "7", "RELAY_INTERVAL_S": "2.5",
           "PUBLIC_URL": "https://chibo.example/", "CELERY_QUEUE": "q"}  # fmt: skip
    config = Config(str(tmp_path), env)
    assert config.DELIVERY_BATCH_SIZE == 7
    assert config.CELERY["beat_schedule"]["relay-pending-deliveries"]["schedule"] == 2.5
    assert config.CELERY["task_default_queue"] == config.RATELIMIT_KEY_PREFIX == "q"
    assert config.PUBLIC_URL == "https://chibo.example"
    assert config.DELIVERY_MAX_ATTEMPTS == Config.DELIVERY_MAX_ATTEMPTS  # unset: the default
    assert Config(str(tmp_path), {"SMTP_URL": ""}).SMTP_URL == "smtp://127.0.0.1:8025"


def test_a_bad_value_stops_the_app_naming_its_variable(tmp_path):
    with pytest.raises(ValidationError, match="DELIVERY_BATCH_SIZE"):
        Config(str(tmp_path), {"DELIVERY_BATCH_SIZE": "năm mươi"})


@pytest.mark.parametrize("url", ["smpt://relay.example:25", "http://relay.example", "smtp://"])
def test_an_smtp_url_the_mailer_cannot_use_stops_the_app(tmp_path, url):
    """A mistyped SMTP_URL is refused at start, naming the variable, not found by the first
    final copy that fails to go out."""
    with pytest.raises(ValidationError, match="SMTP_URL"):
        Config(str(tmp_path), {"SMTP_URL": url})


@pytest.mark.parametrize(
    "url", ["smtp://127.0.0.1:8025", "smtp+starttls://u:p@relay.example:587", "smtps://relay:465"]
)
def test_the_three_forms_of_smtp_url_are_read(tmp_path, url):
    config = Config(str(tmp_path), {"SMTP_URL": url})
    assert url == config.SMTP_URL


def test_production_defaults_no_secret(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(str(tmp_path), {})
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEY"):
        ProductionConfig(str(tmp_path), {"SECRET_KEY": STRONG_KEY})
    keys = {"SECRET_KEY": STRONG_KEY, "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY}
    production = ProductionConfig(str(tmp_path), keys)
    assert production.SIGNING_PKCS12_PASSPHRASE == "" and production.SIGNING_PKCS12_PATH == ""
    assert production.SIGNING_PKCS11_PIN == ""
    assert production.MAILBOX_ENABLED is False
    # Development signs with the demo certificate, whose passphrase is the demo's.
    assert Config(str(tmp_path), {}).SIGNING_PKCS12_PASSPHRASE == DEMO_SIGNING_PASSPHRASE


def test_secrets_stay_out_of_the_settings_repr():
    settings = Settings.read({"SECRET_KEY": STRONG_KEY, "SIGNING_PKCS11_PIN": "123456",
                              "SIGNING_PKCS12_PASSPHRASE": "bi-mat"})  # fmt: skip
    shown = repr(settings)
    assert STRONG_KEY not in shown and "123456" not in shown and "bi-mat" not in shown
    assert settings.secret_key() == STRONG_KEY


def _started(monkeypatch, env: dict[str, str], **settings: str):
    """The app as wsgi.py starts it, from a process environment of `env` and `settings`."""
    for name, value in {**env, "SECRET_KEY": STRONG_KEY, **settings}.items():
        monkeypatch.setenv(name, value)
    return create_app()


@pytest.mark.parametrize("environment", ["production", "staging", "Production"])
def test_every_environment_but_development_and_test_gets_the_production_settings(
    env, monkeypatch, environment
):
    # A staging server (or a misspelt name) is reached over the network like production: its
    # session cookie goes over HTTPS only and browsers are told to keep to HTTPS.
    app = _started(monkeypatch, env, CHIBO_FLOW_ENV=environment, PUBLIC_URL="https://chibo.test")

    client = app.test_client()
    response = client.get("/login")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["MAILBOX_ENABLED"] is False and app.config["SIGNING_DEMO_DEFAULTS"] is False


@pytest.mark.parametrize("debug", ["1", "true", "yes"])
def test_flask_debug_on_stops_the_app_with_the_production_settings(env, monkeypatch, debug):
    # `flask run --debug` (or FLASK_DEBUG=1 left in a unit file) would serve Werkzeug's
    # debugger, which runs the code a visitor types into an error page.
    with pytest.raises(RuntimeError, match="FLASK_DEBUG must be unset or 0"):
        _started(monkeypatch, env, CHIBO_FLOW_ENV="production", PUBLIC_URL="https://chibo.test",
                 FLASK_DEBUG=debug)  # fmt: skip
    for off in ("0", "false"):
        assert not _started(monkeypatch, env, CHIBO_FLOW_ENV="production",
                            PUBLIC_URL="https://chibo.test", FLASK_DEBUG=off).debug  # fmt: skip
    # A developer's machine keeps its debugger.
    assert _started(monkeypatch, env, CHIBO_FLOW_ENV="development", FLASK_DEBUG="1").debug


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_run_over_plain_http(env, monkeypatch, environment):
    app = _started(monkeypatch, env, CHIBO_FLOW_ENV=environment)

    response = app.test_client().get("/login")

    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]
    assert app.config["PUBLIC_URL"] == "http://chibo.test"


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_an_http_public_url_stops_the_app_with_the_production_settings(
    env, monkeypatch, environment
):
    # Every email's links point at PUBLIC_URL: over http:// the reset and invitation links,
    # and the session cookie of whoever opens them, would travel in clear.
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be an https:// address"):
        _started(
            monkeypatch, env, CHIBO_FLOW_ENV=environment, PUBLIC_URL="http://chibo.example.org"
        )
    # Loopback is accepted (a production build tried on one machine), https:// of course.
    for url in ("http://127.0.0.1:8000", "http://localhost:8000", "https://chibo.example.org"):
        assert _started(monkeypatch, env, CHIBO_FLOW_ENV=environment,
                        PUBLIC_URL=f"{url}/").config["PUBLIC_URL"] == url  # fmt: skip
