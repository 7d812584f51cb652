"""Login form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email", validators=[DataRequired("Vui lòng nhập email."), Email("Email không hợp lệ.")]
    )
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
