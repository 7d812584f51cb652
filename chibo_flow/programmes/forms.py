"""Forms of the programme pages: new draft, edit with preview, workflow transitions, the
"Nơi nhận" picker and "Gửi lại"."""

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput

from chibo_flow import directory, messages
from chibo_flow.documents.format import SECRECY_LABELS, URGENCY_LABELS
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES, TOO_LARGE_MESSAGE
from chibo_flow.extensions import db
from chibo_flow.models import Programme, User
from chibo_flow.recipients import group_members
from chibo_flow.security.limits import ID_RANGE
from chibo_flow.uploads import megabytes
from chibo_flow.workflow_errors import WorkflowError

# A new draft may leave the marks to the stamps of its file (or thường when it has none).
# Short enough to read whole in a phone's select; _mark_fields.html says what it means.
AS_STAMPED = SelectChoice("", "Theo dấu trên văn bản")


def _mark_field(label: str, labels: dict[str, str], *extra: SelectChoice) -> SelectField:
    """A select of a mark's levels; unknown values reach the workflow, which names them."""
    levels = [SelectChoice(code, name) for code, name in labels.items()]
    return SelectField(label, choices=[*extra, *levels], validate_choice=False)


class NewProgrammeForm(FlaskForm):
    """A new draft from pasted text or an uploaded .docx / .txt file."""

    org_id = SelectField("Chi bộ", coerce=int, validate_choice=False, validators=[Optional()])
    text = TextAreaField("Nội dung văn bản", validators=[Optional()])
    upload = FileField(
        messages.DOCUMENT_FILE_FIELD.format(limit=megabytes(MAX_UPLOAD_BYTES)),
        # refused as it is chosen (static/file-field.js), before a phone sends it
        render_kw={"data-max-bytes": MAX_UPLOAD_BYTES, "data-too-large": TOO_LARGE_MESSAGE},
    )
    secrecy = _mark_field("Độ mật", SECRECY_LABELS, AS_STAMPED)
    urgency = _mark_field("Độ khẩn", URGENCY_LABELS, AS_STAMPED)
    submit = SubmitField("Tạo dự thảo")


class EditProgrammeForm(FlaskForm):
    """The draft as text; "Xem trước" re-parses it, "Lưu" saves a new revision."""

    text = TextAreaField("Nội dung văn bản", validators=[Optional()])
    secrecy = _mark_field("Độ mật", SECRECY_LABELS)
    urgency = _mark_field("Độ khẩn", URGENCY_LABELS)
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


class NewRecipientForm(FlaskForm):
    """The picker's "new recipient": a person or a group, with its addresses."""

    label = HiddenField()
    name = StringField("Tên nơi nhận", validators=[Optional(), Length(max=200)])
    addresses = TextAreaField(
        "Địa chỉ email, mỗi dòng một người (Họ tên <email> hoặc chỉ email)",
        validators=[Optional(), Length(max=20000)],
    )

    def add_for_line(self, programme: Programme, label: str, actor: User) -> None:
        """Add the recipient to the directory as `label`'s alias (directory.add_for_line) and
        flash what was done, or why not (nothing saved then)."""
        try:
            group = directory.add_for_line(programme, label, self.name.data or "",
                                           self.addresses.data or "", actor)  # fmt: skip
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return
        count = len(group_members(group))
        flash(messages.RECIPIENT_ADDED.format(group=group.name, label=label, count=count),
              "success")  # fmt: skip


class RecipientRequestForm(FlaskForm):
    """Ask the admin to add the recipient of a line."""

    label = HiddenField()
    note = TextAreaField("Ghi chú cho quản trị viên (không bắt buộc)",
                         validators=[Optional(), Length(max=500)])  # fmt: skip


class ResendForm(FlaskForm):
    """The "Gửi lại" button: one failed delivery (its id) or, without an id, every failed one."""

    delivery_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
