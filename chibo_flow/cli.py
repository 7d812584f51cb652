"""`flask --app wsgi ...` commands (DESIGN.md §4): orgs, users, programmes, demo, mailbox,
deliveries, directory, members."""

import json
import sys
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from chibo_flow import directory, messages, orgs
from chibo_flow.auth import totp
from chibo_flow.auth.passwords import hash_password, password_problem
from chibo_flow.auth.sessions import issue_token, revoke_token, tokens_of
from chibo_flow.config import is_development
from chibo_flow.documents.parse import DocumentError, parse_upload
from chibo_flow.extensions import db
from chibo_flow.member_sheet import read_sheet
from chibo_flow.models import Delivery, Membership, Org, User
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.models.users import HoldsRoles, Role
from chibo_flow.workflow_errors import RowsInvalid, WorkflowError


class _SchemaChecked:
    """A command that, failing on a database not upgraded to the migrations' head (run before
    `flask db upgrade`, or after an update), says so in one Vietnamese line, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if _schema_behind():
                raise click.ClickException(messages.CLI_SCHEMA_NOT_UPGRADED) from exc
            raise


class Commands(_SchemaChecked, AppGroup):
    """A group of our commands (see _SchemaChecked)."""


class Command(_SchemaChecked, click.Command):
    """One command of ours outside a group (see _SchemaChecked)."""


def _schema_behind() -> bool:
    """True when the database's Alembic revision is not the head of migrations/."""
    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() != head


orgs_cli = Commands("orgs", help="Party organisations.")
users_cli = Commands("users", help="Users and their roles.")
programmes_cli = Commands("programmes", help="Programme documents.")
mailbox_cli = Commands("mailbox", help="The local SMTP capture server.")
deliveries_cli = Commands("deliveries", help="Final-copy emails and their status.")
directory_cli = Commands("directory", help="People and groups that “Nơi nhận” lines reach.")
members_cli = Commands("members", help="An org's members: invitations and the spreadsheet.")


class ServerOperator(HoldsRoles):
    """Whoever runs a command on the server: no account, recorded as no actor in the audit."""

    id = None
    memberships = ()


OPERATOR = ServerOperator()


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


@orgs_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_orgs(as_json: bool):
    """List every org: id, name, code, parent id (as GET /api/v1/orgs shows them)."""
    rows = [orgs.org_data(org) for org in db.session.scalars(select(Org).order_by(Org.name))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['code']}\t{row['name']}\t{row['parent_id'] or '-'}")


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
        problem = password_problem(password)
        if problem:
            raise click.ClickException(problem)
        user.password_hash = hash_password(password)
    db.session.flush()
    if not user.has_role(Role(role), org):
        db.session.add(Membership(user=user, org=org, role=role))
    db.session.commit()
    click.echo(f"Đã tạo {user.email} ({role}, {org.name})")


@users_cli.command("token")
@click.argument("email")
@click.option("--days", type=click.IntRange(1, 3650), help="Lifetime (API_TOKEN_LIFETIME_DAYS).")
@click.option("--label", default="", help="What the token is for.")
def user_token(email: str, days: int | None, label: str):
    """Print a new API bearer token for EMAIL (only the token); it expires after --days.
    For someone whose role needs a second factor they have not enrolled (the API would refuse
    the token): enrolled first in development, as `users otp` does for the demo; refused
    elsewhere."""
    user = _user_by_email(email)
    if totp.requires_second_factor(user) and not user.has_factor:
        if not is_development():
            raise click.ClickException(messages.CLI_TOKEN_FACTOR_REQUIRED.format(email=user.email))
        totp.current_code(user)
        click.echo(messages.CLI_TOKEN_FACTOR_ENROLLED.format(email=user.email), err=True)
    click.echo(issue_token(user, label=label, days=days))


@users_cli.command("tokens")
@click.argument("email")
def user_tokens(email: str):
    """List EMAIL's API tokens: id, label, created, expires, revoked (never the token)."""
    for token in tokens_of(_user_by_email(email).id):
        revoked = token.revoked_at.isoformat() if token.revoked_at else "-"
        click.echo(f"{token.id}\t{token.label or '-'}\t{token.created_at.isoformat()}\t"
                   f"{token.expires_at.isoformat()}\t{revoked}")  # fmt: skip


@users_cli.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
def user_revoke_token(email: str, token_id: int):
    """Revoke EMAIL's API token TOKEN_ID (from `users tokens`)."""
    if not revoke_token(_user_by_email(email).id, token_id):
        raise click.ClickException(f"Không có mã truy cập {token_id} còn hiệu lực của {email}")
    click.echo(f"Đã thu hồi mã truy cập {token_id}")


@users_cli.command("otp")
@click.argument("email")
def user_otp(email: str):
    """Print EMAIL's current second-factor code, enrolling the account first if it has no
    factor (for the demo: only with CHIBO_FLOW_ENV unset or `development`)."""
    _only_in_development()
    click.echo(totp.current_code(_user_by_email(email)))


def _only_in_development() -> None:
    """Refuse a demo convenience (ClickException) unless CHIBO_FLOW_ENV is unset or
    `development`."""
    if not is_development():
        raise click.ClickException(
            "Lệnh này chỉ dùng khi chạy thử (CHIBO_FLOW_ENV để trống hoặc là development)."
        )


@users_cli.command("list")
@click.option("--org", "org_name", help="Only users of this org.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(org_name: str | None, as_json: bool):
    """List users with their roles."""
    query = select(User).order_by(User.email)
    if org_name:
        query = (
            query.join(Membership).where(Membership.org_id == _org_by_name(org_name).id).distinct()
        )
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


# Why a path could not be read, in Vietnamese (other errors: the system's wording).
READ_ERRORS = {
    FileNotFoundError: "không có tệp này.",
    IsADirectoryError: "đây là một thư mục, không phải tệp.",
    PermissionError: "không có quyền đọc tệp này.",
}


@programmes_cli.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
def parse_programme(file: Path):
    """Print the ProgrammeDoc of FILE (.docx or text) as JSON; exit 1 saying why it cannot (a
    folder or a missing path included, not click's usage error and its exit 2)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        reason = READ_ERRORS.get(type(exc), exc.strerror)
        raise click.ClickException(f"Không đọc được tệp {file}: {reason}") from exc
    try:
        doc = parse_upload(data, file.name)
    except DocumentError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))


@click.command("demo", cls=Command)
def demo():
    """Load the demo org, users, directory and the seed as a draft (idempotent); only in
    development: its accounts, admin included, share a published password."""
    _only_in_development()
    from chibo_flow.demo import DEMO_PASSWORD, INCOMING_LOGIN, create_demo_signer, load_demo

    people = load_demo()
    config = current_app.config
    demo_dir = config["SIGNING_DEMO_DIR"]
    if demo_dir and create_demo_signer(Path(demo_dir), config["SIGNING_PKCS12_PASSPHRASE"]):
        click.echo(f"Chứng thư số dùng thử (không có giá trị pháp lý) đã tạo trong {demo_dir}.")
    click.echo(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
    for person in people:
        click.echo(f"  {person.role.value:<10} {person.email:<26} {person.name} — {person.org}")
    login = INCOMING_LOGIN
    click.echo(messages.DEMO_INCOMING_HINT.format(email=login.email, name=login.name,
                                                  org=login.org))  # fmt: skip
    click.echo(messages.DEMO_OTP_HINT)


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
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's fields and more).")
def list_deliveries(programme_id: int | None, status: str | None, as_json: bool):
    """List deliveries with their status, attempts and the server's last reply."""
    from chibo_flow.api.schemas import DeliveryItemSchema

    query = select(Delivery).order_by(Delivery.id)
    if programme_id:
        query = query.where(Delivery.programme_id == programme_id)
    if status:
        query = query.where(Delivery.status == status)
    rows = db.session.scalars(query).all()
    if as_json:
        items = [
            {
                "id": d.id,
                "programme_id": d.programme_id,
                **DeliveryItemSchema().dump(d),
                "last_reply_code": d.last_reply_code,
            }
            for d in rows
        ]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for d in rows:
        reply = " ".join(filter(None, [str(d.last_reply_code or ""), d.last_reply or ""]))
        click.echo(f"{d.id}\t{d.programme_id}\t{d.address}\t{d.status}\t{d.attempts}\t{reply}")


@deliveries_cli.command("retry")
@click.option("--programme", "programme_id", type=int, help="Only this programme.")
@click.option("--by", "actor_email", help="Who asks for the resend (for the history).")
def retry_deliveries(programme_id: int | None, actor_email: str | None):
    """Send failed deliveries again (one "resend" event in each programme's history)."""
    from chibo_flow.notifications.relay import resend_failed

    actor = _user_by_email(actor_email) if actor_email else None
    resent = resend_failed(programme_id, actor)
    if not resent.count:
        click.echo(messages.DELIVERY_RESEND_NONE)
        return
    click.echo(
        messages.DELIVERY_RESEND_DONE.format(count=resent.count, programmes=resent.programmes)
    )
    if resent.queued < resent.count:
        click.echo(messages.DELIVERY_RESEND_QUEUE_DOWN.format(count=resent.count - resent.queued))


@directory_cli.command("add-person")
@click.argument("org_name", metavar="ORG")
@click.argument("name")
@click.argument("email")
@click.option("--position", help='E.g. "Phó Bí thư Thường trực Đảng ủy".')
def directory_add_person(org_name: str, name: str, email: str, position: str | None):
    """Add a person to ORG's directory."""
    entry = _directory_change(
        lambda: directory.save_person(_org_by_name(org_name), name, email, position)
    )
    click.echo(f"Đã thêm {entry.name} <{entry.email}>")


@directory_cli.command("add-group")
@click.argument("org_name", metavar="ORG")
@click.argument("name")
@click.option("--members-of", help="Org name: the group is its members, kept current.")
@click.option("--person", "emails", multiple=True, help="Email of a person (repeatable).")
@click.option("--stands-for", help="Org name: the group stands for that org (liên thông).")
def directory_add_group(
    org_name: str, name: str, members_of: str | None, emails: tuple[str], stands_for: str | None
):
    """Add a group to ORG's directory: chosen people, or every member of an org; what reaches
    a group standing for an org also enters that org's incoming register."""

    def change():
        org = _org_by_name(org_name)
        return directory.save_group(
            org,
            name,
            members_of=_org_by_name(members_of) if members_of else None,
            entries=[directory.person_by_email(org, email) for email in emails],
            stands_for=_org_by_name(stands_for) if stands_for else None,
        )

    group = _directory_change(change)
    click.echo(f"Đã thêm nhóm “{group.name}” ({len(directory.group_data(group)['members'])} người)")


@directory_cli.command("alias")
@click.argument("org_name", metavar="ORG")
@click.argument("label")
@click.argument("group_name", metavar="GROUP")
def directory_alias(org_name: str, label: str, group_name: str):
    """Say that ORG writes GROUP as LABEL under “Nơi nhận”."""

    def change():
        org = _org_by_name(org_name)
        return directory.save_alias(org, label, directory.group_by_name(org, group_name))

    alias = _directory_change(change)
    click.echo(f"Đã ghi nhận: “{alias.label}” là nhóm “{alias.group.name}”")


@directory_cli.command("list")
@click.argument("org_name", metavar="ORG")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def directory_list(org_name: str, as_json: bool):
    """List ORG's people, groups (with whom each reaches) and aliases."""
    data = directory.directory_data(_org_by_name(org_name))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for person in data["people"]:
        click.echo(f"người\t{person['name']}\t{person['email']}\t{person['position'] or ''}")
    for group in data["groups"]:
        emails = ", ".join(member["email"] for member in group["members"])
        click.echo(f"nhóm\t{group['name']}\t{emails}")
    for alias in data["aliases"]:
        click.echo(f"cách viết\t{alias['label']}\t{alias['group']}")


@members_cli.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="Họ và tên.")
@click.option("--org", "org_name", required=True, help="Org name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--position", help="Chức vụ.")
def members_invite(email: str, name: str, org_name: str, roles: tuple[str], position: str | None):
    """Add a member to ORG: a new account is emailed an invitation to set its password."""
    org = _org_by_name(org_name)
    user = _directory_change(
        lambda: orgs.invite_member(OPERATOR, org, email, name, position, list(roles))
    )
    if user.password_hash is None:
        click.echo(messages.MEMBER_INVITED.format(name=user.name, email=user.email))
    else:
        click.echo(messages.MEMBER_ADDED.format(name=user.name, org=org.name))


@members_cli.command("import")
@click.argument("org_name", metavar="ORG")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def members_import(org_name: str, file: Path):
    """Add the members of an .xlsx or .csv file to ORG, all or nothing; each one invited."""
    org = _org_by_name(org_name)
    rows = _directory_change(lambda: read_sheet(file.read_bytes(), file.name))
    try:
        checks = orgs.import_members(OPERATOR, org, rows, save=True)
    except RowsInvalid as exc:
        for row in exc.rows:
            click.echo(messages.SHEET_ROW_ERROR.format(**row), err=True)
        raise click.ClickException(exc.message) from exc
    click.echo(messages.SHEET_IMPORTED.format(count=len(checks)))


@members_cli.command("resend")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Org name.")
def members_resend(email: str, org_name: str):
    """Send a member a new invitation link (the old one stops working)."""
    org = _org_by_name(org_name)
    user = _directory_change(lambda: orgs.member_of(org, _user_by_email(email).id))
    _directory_change(lambda: orgs.resend_invitation(OPERATOR, org, user))
    click.echo(messages.INVITATION_RESENT.format(name=user.name))


@members_cli.command("revoke")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Org name.")
def members_revoke(email: str, org_name: str):
    """Revoke a member's invitation link."""
    org = _org_by_name(org_name)
    user = _directory_change(lambda: orgs.member_of(org, _user_by_email(email).id))
    _directory_change(lambda: orgs.revoke_invitation(OPERATOR, org, user))
    click.echo(messages.INVITATION_REVOKED.format(name=user.name))


def _directory_change(change):
    """Run a chibo_flow.directory change; its refusal becomes the command's error message."""
    try:
        return change()
    except WorkflowError as exc:
        raise click.ClickException(exc.message) from exc


def init_cli(app: Flask) -> None:
    """Register the command groups on `app`."""
    commands = (orgs_cli, users_cli, programmes_cli, mailbox_cli, deliveries_cli, directory_cli,
                members_cli)  # fmt: skip
    for command in (*commands, demo):
        app.cli.add_command(command)
