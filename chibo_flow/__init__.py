"""chibo_flow: a Party cell drafts its action programme, the committee approves it online,
and Celery emails the final copy to every recipient listed under "Nơi nhận"."""

from pathlib import Path

from flask import Flask

from chibo_flow.config import Config


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints, error handlers, CLI.

    Without a config class, Config reads the environment; every CHIBO_FLOW_ENV but
    development and test gets the production settings (Settings.production).
    """
    config_class = config_class or Config
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__, template_folder=str(root / "templates"), static_folder=str(root / "static")
    )
    app.config.from_object(config_class(app.instance_path))
    register_extensions(app)
    register_security(app)  # before the blueprints: it bounds the `int` URL converter
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of chibo_flow.extensions to this app."""
    from chibo_flow import models  # noqa: F401  (registers the tables)
    from chibo_flow.auth.sessions import init_login
    from chibo_flow.celery_app import celery_init_app
    from chibo_flow.extensions import csrf, db, limiter, migrate
    from chibo_flow.notifications.dispatcher import init_dispatcher
    from chibo_flow.read_only_commit import end_read_only_transaction

    db.init_app(app)
    app.teardown_appcontext(end_read_only_transaction)  # runs before the session's removal
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    celery_init_app(app)
    init_dispatcher(app)


def register_blueprints(app: Flask) -> None:
    """Blueprints by audience: auth, account, programmes, admin, registers, api."""
    from chibo_flow.admin.views import bp as admin_bp
    from chibo_flow.api import init_api
    from chibo_flow.auth.account import bp as account_bp
    from chibo_flow.auth.views import bp as auth_bp
    from chibo_flow.programmes.views import bp as programmes_bp
    from chibo_flow.receipts.views import bp as receipts_bp
    from chibo_flow.registers.views import bp as registers_bp
    from chibo_flow.verify.views import bp as verify_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(registers_bp)
    init_api(app)
    app.register_blueprint(verify_bp)


def register_errorhandlers(app: Flask) -> None:
    """JSON errors for API clients, Vietnamese pages for people."""
    from chibo_flow.errors import init_errors

    init_errors(app)


def register_security(app: Flask) -> None:
    """Security headers on every response; input bounds on every request; the client's address
    read through PROXY_HOPS trusted reverse proxies (none by default: a forwarded header sent
    straight to the app is ignored)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from chibo_flow.security.bounds import init_bounds
    from chibo_flow.security.headers import init_headers

    init_bounds(app)
    init_headers(app)
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_commands(app: Flask) -> None:
    """The `flask` commands of DESIGN.md §4."""
    from chibo_flow.cli import init_cli

    init_cli(app)
