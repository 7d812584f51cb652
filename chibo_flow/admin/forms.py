"""Forms of the directory pages: a person, a group and its members, an alias."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

NO_ORG = 0  # the "fixed people" choice of GroupForm.members_of


class PersonForm(FlaskForm):
    """Someone who may receive documents: name, email, position."""

    name = StringField("Họ và tên", validators=[InputRequired(), Length(max=200)])
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    position = StringField("Chức vụ (không bắt buộc)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Lưu")


class GroupForm(FlaskForm):
    """A group: its name, and either an org's members (kept current) or chosen people."""

    name = StringField("Tên nhóm", validators=[InputRequired(), Length(max=200)])
    members_of = SelectField("Gồm", coerce=int, default=NO_ORG)
    stands_for = SelectField("Nhóm này là tổ chức trong hệ thống", coerce=int, default=NO_ORG)
    people = SelectMultipleField(
        "Người trong nhóm",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    submit = SubmitField("Lưu")


class AliasForm(FlaskForm):
    """Another way the org writes a group's name under "Nơi nhận"."""

    label = StringField("Cách viết trong Nơi nhận", validators=[InputRequired(), Length(max=200)])
    group_id = SelectField("Là nhóm", coerce=int)
    submit = SubmitField("Thêm cách viết")
