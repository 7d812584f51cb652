"""The upload form of the verification page."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from chibo_flow import messages


class VerifyUploadForm(FlaskForm):
    """One PDF file to compare with the issued final copy."""

    file = FileField(
        "Tệp PDF cần kiểm tra", validators=[FileRequired(messages.VERIFY_FILE_REQUIRED)]
    )
