"""Login, second-factor, password and account forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Regexp, ValidationError

from chibo_flow import messages
from chibo_flow.auth.passwords import MAX_LENGTH, password_problem


def _at_most(length: int) -> Length:
    return Length(max=length, message=messages.FIELD_TOO_LONG)


class LoginForm(FlaskForm):
    """Email and password (the email is only looked up, so any spelling gets the same answer)."""

    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email."), _at_most(254)])
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), _at_most(MAX_LENGTH)]
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, at login, a recovery code)."""

    code = StringField(
        "Mã xác thực", validators=[DataRequired("Vui lòng nhập mã xác thực."), _at_most(32)]
    )


def _acceptable_password(form: FlaskForm, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (the rules of chibo_flow.auth.passwords)."""

    password = PasswordField("Mật khẩu mới", validators=[_acceptable_password])
    confirm = PasswordField(
        "Nhập lại mật khẩu mới", validators=[EqualTo("password", messages.PASSWORDS_DIFFER)]
    )


class ReauthMixin:
    """The current password and, for people with a second factor, a code: asked again before
    a change to the password, the email or the factor, and before a new API token."""

    current_password = PasswordField(
        "Mật khẩu hiện tại",
        validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại."), _at_most(MAX_LENGTH)],
    )
    current_code = StringField("Mã xác thực hiện tại", validators=[_at_most(32)])


class ChangePasswordForm(ReauthMixin, NewPasswordForm):
    """Change one's password."""


class ChangeEmailForm(ReauthMixin, FlaskForm):
    """Change one's login email."""

    email = EmailField(
        "Email mới",
        validators=[
            DataRequired("Vui lòng nhập email."),
            _at_most(254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=messages.EMAIL_INVALID),
        ],
    )


class ReplaceFactorForm(ReauthMixin, FlaskForm):
    """Remove one's authenticator to enrol a new one."""


class ResetRequestForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email."), _at_most(254)])


class DaysField(IntegerField):
    """A whole number of days; anything else is refused in Vietnamese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(messages.TOKEN_DAYS_RANGE) from exc


class TokenForm(ReauthMixin, FlaskForm):
    """A new API token: what it is for and how long it works. A token works without the second
    factor and outlives the session, so the password and a code are asked again."""

    label = StringField("Dùng cho", validators=[_at_most(100)])
    days = DaysField(
        "Số ngày hiệu lực",
        validators=[NumberRange(1, 365, messages.TOKEN_DAYS_RANGE)],
    )
