"""Emails about a person's own account (password-reset link, account locked, an invitation to
set a first password, roles changed by an admin), sent by Celery after the request's commit; the
task is given the user's id only."""

import email.policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from celery import shared_task
from flask import current_app, render_template

from chibo_flow.auth.invitations import invitation_url, latest_invitation
from chibo_flow.auth.reset import reset_url
from chibo_flow.auth.totp import requires_second_factor
from chibo_flow.extensions import db
from chibo_flow.models import User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import ROLE_NAMES
from chibo_flow.notifications import mailer
from chibo_flow.notifications.dispatcher import new_message_id
from chibo_flow.notifications.queue import publish

PASSWORD_RESET = "password_reset"
ACCOUNT_LOCKED = "account_locked"
INVITATION = "invitation"
ROLES_CHANGED = "roles_changed"
SUBJECTS = {
    PASSWORD_RESET: "[Chi bộ Flow] Đặt lại mật khẩu",
    ACCOUNT_LOCKED: "[Chi bộ Flow] Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần",
    INVITATION: "[Chi bộ Flow] Mời đồng chí tham gia: đặt mật khẩu",
    ROLES_CHANGED: "[Chi bộ Flow] Vai trò của đồng chí đã thay đổi",
}


def queue_account_mail(kind: str, user_id: int) -> bool:
    """Ask Celery to send the `kind` email to the user (call after commit); False when the
    broker is down (the person can ask again)."""
    return publish(send_account_mail.name, kind, user_id)


def compose_account_mail(kind: str, user: User) -> EmailMessage:
    """The `kind` email to `user` (templates/email/<kind>.txt and .html)."""
    context = {"user": user, "public_url": current_app.config["PUBLIC_URL"]}
    config = current_app.config
    if kind == PASSWORD_RESET:
        context["link"] = reset_url(user)
        context["minutes"] = config["PASSWORD_RESET_MAX_AGE_S"] // 60
    elif kind == INVITATION:
        invitation = context["invitation"] = latest_invitation(user)
        context["link"] = invitation_url(user)
        context["days"] = config["INVITATION_MAX_AGE_S"] // 86400
        context["roles"] = dict(roles_held(user)).get(invitation.org.name, [])
        context["needs_factor"] = requires_second_factor(user)
    elif kind == ROLES_CHANGED:
        context["roles"] = roles_held(user)
    else:
        context["minutes"] = int(config["LOCKOUT_DURATION"].total_seconds() // 60)
    message = EmailMessage()
    message["Subject"] = SUBJECTS[kind]
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((user.name, user.email))
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = new_message_id()
    message["Auto-Submitted"] = "auto-generated"
    message["X-Chibo-Flow-Kind"] = kind
    message.set_content(render_template(f"email/{kind}.txt", **context))
    message.add_alternative(render_template(f"email/{kind}.html", **context), subtype="html")
    return message


def roles_held(user: User) -> list[tuple[str, list[str]]]:
    """The person's roles as people read them, per org: [(org name, [role names])]."""
    held: dict[str, list[str]] = {}
    for membership in sorted(user.memberships, key=lambda m: (m.org.name, m.role)):
        held.setdefault(membership.org.name, []).append(ROLE_NAMES[membership.role].lower())
    return list(held.items())


@shared_task(name="chibo_flow.auth.mail.send_account_mail", ignore_result=True)
def send_account_mail(kind: str, user_id: int) -> None:
    """Send the `kind` email to the user, if they still exist and are active."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    message = compose_account_mail(kind, user)
    sender = parseaddr(current_app.config["MAIL_FROM"])[1]
    with mailer.connection(current_app.config["SMTP_URL"]) as smtp:
        smtp.send(sender, user.email, message.as_bytes(policy=email.policy.SMTP))
