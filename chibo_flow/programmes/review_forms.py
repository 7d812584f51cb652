"""Forms of the review pages: votes with an anchored reason, comment threads, delegations."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import HiddenInput

from chibo_flow.security.limits import ID_RANGE


class VoteForm(FlaskForm):
    """Approve or request changes, for oneself or as a delegate; the reason may be anchored."""

    action = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    on_behalf_of = IntegerField(widget=HiddenInput(), validators=[Optional(), ID_RANGE])
    anchor = SelectField("Ý kiến về", validate_choice=False, validators=[Optional()])
    comment = TextAreaField("Lý do yêu cầu chỉnh sửa (bắt buộc)", validators=[Optional()])


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
    """Resolve (1) or reopen (0) a thread."""

    resolved = IntegerField(widget=HiddenInput(), validators=[Optional()])


class DelegationForm(FlaskForm):
    """Delegate one's vote in an org to another committee member for a date range; the
    choice is "<org id>-<user id>"."""

    delegate = SelectField("Ủy quyền cho", validate_choice=False, validators=[DataRequired()])
    starts_on = DateField("Từ ngày", validators=[DataRequired()])
    ends_on = DateField("Đến hết ngày", validators=[DataRequired()])
