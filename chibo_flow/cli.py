"""`flask --app wsgi ...` commands (DESIGN.md §4): orgs, users, programmes, demo, mailbox, deliveries."""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from chibo_flow.auth.passwords import hash_password
from chibo_flow.auth.sessions import issue_token
from chibo_flow.documents.parse import DocumentError, parse_upload
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Membership, Org, User
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.models.users import Role

orgs_cli = AppGroup("orgs", help="Party organisations.")
users_cli = AppGroup("users", help="Users and their roles.")
programmes_cli = AppGroup("programmes", help="Programme documents.")
mailbox_cli = AppGroup("mailbox", help="The local SMTP capture server.")
deliveries_cli = AppGroup("deliveries", help="Final-copy emails and their status.")


def _org_by_name(name: str) -> Org:
    org = db.session.scalar(select(Org).where(Org.name == name))
    if org is None:
        raise click.ClickException(f"Không tìm thấy tổ chức: {name}")
    return org


def _user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Không tìm thấy người dùng: {email}")
    return user


@orgs_cli.command("create")
@click.argument("name")
@click.option("--code", required=True, help='Short code used in numbers, e.g. "CB".')
@click.option("--parent", help="Name of the superior org.")
@click.option("--place", help='Place name for the date line, e.g. "Tiên Cường".')
@click.option("--approvals", type=int, help="Approvals required (default: committee majority).")
def create_org(name: str, code: str, parent: str | None, place: str | None, approvals: int | None):
    """Create an org."""
    if db.session.scalar(select(Org).where(Org.name == name)) is not None:
        raise click.ClickException(f"Tổ chức đã tồn tại: {name}")
    org = Org(
        name=name,
        code=code,
        parent=_org_by_name(parent) if parent else None,
        place=place,
        approvals_required=approvals,
    )
    db.session.add(org)
    db.session.commit()
    click.echo(f"Đã tạo {org.name} (id {org.id})")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_name", required=True, help="Org name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, role: str, org_name: str, password_stdin: bool):
    """Create a user, or add a role to an existing one."""
    org = _org_by_name(org_name)
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise click.ClickException("Mật khẩu cần ít nhất 8 ký tự.")
        user.password_hash = hash_password(password)
    db.session.flush()
    if not user.has_role(Role(role), org):
        db.session.add(Membership(user=user, org=org, role=role))
    db.session.commit()
    click.echo(f"Đã tạo {user.email} ({role}, {org.name})")


@users_cli.command("token")
@click.argument("email")
def user_token(email: str):
    """Print a new API bearer token for EMAIL (only the token)."""
    click.echo(issue_token(_user_by_email(email)))


@users_cli.command("list")
@click.option("--org", "org_name", help="Only users of this org.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(org_name: str | None, as_json: bool):
    """List users with their roles."""
    query = select(User).order_by(User.email)
    if org_name:
        query = query.join(Membership).where(Membership.org_id == _org_by_name(org_name).id).distinct()
    rows = [
        {
            "email": u.email,
            "name": u.name,
            "roles": [{"org": m.org.name, "role": m.role} for m in u.memberships],
        }
        for u in db.session.scalars(query)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        roles = ", ".join(f"{r['role']}@{r['org']}" for r in row["roles"])
        click.echo(f"{row['email']}\t{row['name']}\t{roles}")


@programmes_cli.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def parse_programme(file: Path):
    """Print the ProgrammeDoc of FILE (.docx or text) as JSON."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Không đọc được tệp {file}: {exc.strerror}") from exc
    try:
        doc = parse_upload(data, file.name)
    except DocumentError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))


@click.command("demo")
def demo():
    """Load the demo org, users, directory and the seed as a draft (idempotent)."""
    from chibo_flow.demo import DEMO_PASSWORD, load_demo

    people = load_demo()
    click.echo("Tài khoản demo (mật khẩu chung: %s):" % DEMO_PASSWORD)
    for person in people:
        click.echo(f"  {person.role.value:<10} {person.email:<26} {person.name} — {person.org}")


@mailbox_cli.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8025, type=int)
def serve_mailbox(host: str, port: int):
    """Run the SMTP capture server, storing messages in MAILBOX_DIR."""
    import threading

    from aiosmtpd.controller import Controller

    from chibo_flow.notifications.capture import MailboxHandler

    handler = MailboxHandler(current_app.config["MAILBOX_DIR"])
    controller = Controller(handler, hostname=host, port=port)
    controller.start()
    click.echo(f"Hộp thư thử: smtp://{host}:{port} → {handler.directory}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@deliveries_cli.command("list")
@click.option("--programme", "programme_id", type=int, help="Only this programme.")
@click.option("--status", type=click.Choice([s.value for s in DeliveryStatus]))
def list_deliveries(programme_id: int | None, status: str | None):
    """List deliveries with their status."""
    query = select(Delivery).order_by(Delivery.id)
    if programme_id:
        query = query.where(Delivery.programme_id == programme_id)
    if status:
        query = query.where(Delivery.status == status)
    for d in db.session.scalars(query):
        click.echo(
            f"{d.id}\t{d.programme_id}\t{d.address}\t{d.status}\t{d.attempts}\t{d.last_reply or ''}"
        )


@deliveries_cli.command("retry")
@click.option("--programme", "programme_id", type=int, help="Only this programme.")
def retry_deliveries(programme_id: int | None):
    """Put failed deliveries back to pending and queue them."""
    from chibo_flow.notifications.relay import enqueue_deliveries, requeue_failed

    ids = requeue_failed(programme_id)
    queued = enqueue_deliveries(ids)
    click.echo(f"Đã đưa {len(ids)} thư vào hàng đợi gửi lại ({queued} đã xếp hàng).")


def init_cli(app: Flask) -> None:
    """Register the command groups on `app`."""
    for command in (orgs_cli, users_cli, programmes_cli, mailbox_cli, deliveries_cli, demo):
        app.cli.add_command(command)
