"""Forms of the review pages: votes with an anchored reason, comment threads, delegations,
and the secretary's round actions (a later deadline, a vote taken at a meeting)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import HiddenInput

from chibo_flow import messages
from chibo_flow.security.limits import ID_RANGE
from chibo_flow.uploads import MAX_MINUTES_BYTES, megabytes


class VoteForm(FlaskForm):
    """Tán thành, không tán thành (with a reason, which may be anchored, and whether it is
    reserved), take one's opinion back or change whether it is reserved, for oneself or as a
    delegate."""

    action = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    on_behalf_of = IntegerField(widget=HiddenInput(), validators=[Optional(), ID_RANGE])
    anchor = SelectField("Ý kiến về", validate_choice=False, validators=[Optional()])
    comment = TextAreaField("Lý do không tán thành (bắt buộc)", validators=[Optional()])
    # Bảo lưu ý kiến by default (the Party's rule: the dissenting member keeps that right).
    reserve = RadioField(
        "Nếu đa số tán thành",
        choices=[SelectChoice("1", "Bảo lưu ý kiến"), SelectChoice("0", "Không bảo lưu")],
        default="1",
        validators=[Optional()],
    )


class ThreadForm(FlaskForm):
    """A new comment thread on a section or the whole document."""

    anchor = SelectField("Góp ý về", validate_choice=False, validators=[Optional()])
    body = TextAreaField("Nội dung góp ý", validators=[Optional()])


class ReplyForm(FlaskForm):
    """A reply in a thread."""

    body = TextAreaField("Trả lời", validators=[Optional()])


class CsrfForm(FlaskForm):
    """A button that posts nothing but its CSRF token."""


class ResolveForm(FlaskForm):
    """Resolve (1) or reopen (0) a thread; `back` is the page it was pressed on."""

    resolved = IntegerField(widget=HiddenInput(), validators=[Optional()])
    back = HiddenField()


class DelegationForm(FlaskForm):
    """Delegate one's vote in an org to another committee member for a date range; the
    choice is "<org id>-<user id>"."""

    delegate = SelectField("Ủy quyền cho", validate_choice=False, validators=[DataRequired()])
    starts_on = DateField("Từ ngày", validators=[DataRequired()])
    ends_on = DateField("Đến hết ngày", validators=[DataRequired()])


COUNT = [InputRequired(), ID_RANGE]


class DeadlineForm(FlaskForm):
    """A later hạn cho ý kiến for the open round, in the display time zone."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    deadline = DateTimeLocalField(
        "Hạn cho ý kiến mới", format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )


class MeetingForm(FlaskForm):
    """A vote the cấp ủy took at a meeting, with its minutes."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    held_on = DateField("Ngày họp", validators=[DataRequired()])
    present = IntegerField("Số cấp ủy viên có mặt", validators=COUNT)
    votes_for = IntegerField("Số phiếu tán thành", validators=COUNT)
    votes_against = IntegerField("Số phiếu không tán thành", validators=COUNT)
    minutes = FileField(messages.MEETING_MINUTES_FIELD.format(limit=megabytes(MAX_MINUTES_BYTES)))
