"""Forms of the admin pages: the directory (a person, a group and its members, an alias) and
the orgs (settings, members, the members' spreadsheet)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from chibo_flow import messages
from chibo_flow.models.users import ROLE_NAMES

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


class WholeNumberField(IntegerField):
    """A whole number; anything else is refused in Vietnamese (ranges are chibo_flow.orgs')."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(messages.NUMBER_INVALID) from exc


class DayField(DateField):
    """A date (YYYY-MM-DD, as the date picker sends it); anything else refused in Vietnamese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(messages.ORG_TERM_START_INVALID) from exc


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    option_widget = CheckboxInput()
    widget = ListWidget(prefix_label=False)


class OrgForm(FlaskForm):
    """A chi bộ's or đảng bộ's settings (chibo_flow.orgs.EDITABLE)."""

    name = StringField("Tên tổ chức", validators=[InputRequired(), Length(max=200)])
    code = StringField("Ký hiệu trong số văn bản", validators=[InputRequired(), Length(max=20)])
    parent_id = SelectField("Trực thuộc", coerce=int)
    place = StringField("Địa danh ở dòng ngày tháng", validators=[Optional(), Length(max=100)])
    term_start = DayField("Ngày bắt đầu nhiệm kỳ", validators=[Optional()])
    approvals_required = WholeNumberField("Số ý kiến tán thành cần có", validators=[Optional()])
    opinion_days = WholeNumberField("Số ngày cho ý kiến", validators=[InputRequired()])
    reminder_after_days = WholeNumberField(
        "Nhắc cấp ủy viên chưa cho ý kiến sau (ngày)", validators=[InputRequired()]
    )
    escalate_after_days = WholeNumberField(
        "Báo bí thư vòng duyệt chậm sau (ngày)", validators=[InputRequired()]
    )
    session_idle_minutes = WholeNumberField(
        "Tự đăng xuất khi không thao tác (phút)", validators=[InputRequired()]
    )
    signing_mode = SelectField(
        "Ký số bản chính thức",
        choices=[
            # Short enough to read whole in a phone's select; org_edit.html says more.
            SelectChoice("system", "Hệ thống tự ký số"),
            SelectChoice("external", "Văn thư ký rồi tải lên"),
        ],
    )
    secretaries_add_recipients = BooleanField(
        "Bí thư được tự thêm nơi nhận mới vào danh bạ khi trình duyệt"
    )
    closed = BooleanField("Đã giải thể / sáp nhập (giữ nguyên văn bản, không soạn mới)")
    submit = SubmitField("Lưu")


ROLE_CHOICES = [SelectChoice(role.value, name) for role, name in ROLE_NAMES.items()]


class MemberForm(FlaskForm):
    """A new member: the invitation goes to this email."""

    name = StringField("Họ và tên", validators=[InputRequired(), Length(max=200)])
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    position = StringField("Chức vụ (không bắt buộc)", validators=[Optional(), Length(max=200)])
    roles = CheckboxesField("Vai trò", choices=ROLE_CHOICES, default=["member"])
    submit = SubmitField("Thêm và gửi thư mời")


class MemberEditForm(FlaskForm):
    """A member's position and roles in the org."""

    position = StringField("Chức vụ", validators=[Optional(), Length(max=200)])
    roles = CheckboxesField("Vai trò", choices=ROLE_CHOICES)
    submit = SubmitField("Lưu thay đổi")


class SheetForm(FlaskForm):
    """The members' spreadsheet to preview."""

    upload = FileField("Tệp Excel (.xlsx) hoặc CSV")
    submit = SubmitField("Xem trước")
