"""Emails about a person's own account (password-reset link, account locked), sent by Celery
after the request's commit; the task is given the user's id only, except a reset request, which
is queued with the email asked for whatever it is and looked up by the worker (so that the web
request does the same work, in the same time, for a known and an unknown email)."""

import email.policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from celery import shared_task
from flask import current_app, render_template
from sqlalchemy import select

from chibo_flow.auth.reset import reset_url
from chibo_flow.extensions import db
from chibo_flow.models import User
from chibo_flow.models._types import utcnow
from chibo_flow.notifications import mailer
from chibo_flow.notifications.dispatcher import new_message_id
from chibo_flow.notifications.queue import publish

PASSWORD_RESET = "password_reset"
ACCOUNT_LOCKED = "account_locked"
SUBJECTS = {
    PASSWORD_RESET: "[Chi bộ Flow] Đặt lại mật khẩu",
    ACCOUNT_LOCKED: "[Chi bộ Flow] Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần",
}


def queue_account_mail(kind: str, user_id: int) -> bool:
    """Ask Celery to send the `kind` email to the user (call after commit); False when the
    broker is down (the person can ask again)."""
    return publish(send_account_mail.name, kind, user_id)


def queue_reset_mail(email: str) -> bool:
    """Ask Celery to send a reset link to `email` if it is an active account's; the same call
    for any email (False when the broker is down)."""
    return publish(send_reset_mail.name, email)


def compose_account_mail(kind: str, user: User) -> EmailMessage:
    """The `kind` email to `user` (templates/email/<kind>.txt and .html)."""
    context = {"user": user, "public_url": current_app.config["PUBLIC_URL"]}
    config = current_app.config
    if kind == PASSWORD_RESET:
        context["link"] = reset_url(user)
        context["minutes"] = config["PASSWORD_RESET_MAX_AGE_S"] // 60
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


@shared_task(name="chibo_flow.auth.mail.send_reset_mail", ignore_result=True)
def send_reset_mail(email: str) -> None:
    """Send the reset link to the active account of `email` (normalised), and nothing for an
    unknown email."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None and user.active:
        send_account_mail(PASSWORD_RESET, user.id)
