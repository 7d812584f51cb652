"""Forms of the programme pages: new draft, edit with preview, workflow transitions, the
"Nơi nhận" picker and "Gửi lại"."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from chibo_flow.security.limits import ID_RANGE


class NewProgrammeForm(FlaskForm):
    """A new draft from pasted text or an uploaded .docx / .txt file."""

    org_id = SelectField("Chi bộ", coerce=int, validate_choice=False, validators=[Optional()])
    text = TextAreaField("Nội dung văn bản", validators=[Optional()])
    upload = FileField("Hoặc tải lên tệp văn bản (.docx, .txt)")
    submit = SubmitField("Tạo dự thảo")


class EditProgrammeForm(FlaskForm):
    """The draft as text; "Xem trước" re-parses it, "Lưu" saves a new revision."""

    text = TextAreaField("Nội dung văn bản", validators=[Optional()])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    preview = SubmitField("Xem trước")
    save = SubmitField("Lưu")


class TransitionForm(FlaskForm):
    """One workflow action on one version of a programme."""

    action = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    comment = TextAreaField("Lý do", validators=[Optional()])


class SignedCopyForm(FlaskForm):
    """The approved PDF as signed by the office's own tool (external signing)."""

    upload = FileField("Tệp PDF đã ký số")
    submit = SubmitField("Tải lên bản đã ký số")


class MapRecipientForm(FlaskForm):
    """The picker: which group an unresolved or ambiguous "Nơi nhận" line means."""

    label = HiddenField()
    group_id = SelectField(
        "Gửi tới nhóm", coerce=int, validate_choice=False, validators=[Optional(), ID_RANGE]
    )


class ResendForm(FlaskForm):
    """The "Gửi lại" button: one failed delivery (its id) or, without an id, every failed one."""

    delivery_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
