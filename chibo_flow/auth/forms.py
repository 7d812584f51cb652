"""Login form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    """Email and password (the email is only looked up, so any spelling gets the same answer)."""

    email = EmailField("Email", validators=[DataRequired("Vui lòng nhập email.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
