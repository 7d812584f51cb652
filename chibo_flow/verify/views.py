"""/xac-thuc/<code>: what was issued under a verification code, and whether a PDF is that copy.

Public (no login): the page shows only what is printed on the document itself (org, number,
date, title) and the SHA-256 fingerprint of the issued PDF.
"""

import hashlib
import hmac

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.documents.final_copy import final_copy_by_code
from chibo_flow.documents.render import party_date
from chibo_flow.errors import error_response
from chibo_flow.timefmt import local_date
from chibo_flow.verify.forms import VerifyUploadForm

bp = Blueprint("verify", __name__)


@bp.route("/xac-thuc/<code>", methods=["GET", "POST"])
def show(code: str) -> Response | str:
    """The issued copy's particulars; on upload, whether the file is that copy byte for byte."""
    final_copy = final_copy_by_code(code)
    if final_copy is None:
        return error_response(404, messages.VERIFY_UNKNOWN_CODE)
    programme = final_copy.programme
    form = VerifyUploadForm()
    genuine = None
    if form.validate_on_submit():
        uploaded = hashlib.sha256(form.file.data.read()).hexdigest()
        genuine = hmac.compare_digest(uploaded, final_copy.sha256)
    return render_template(
        "verify/show.html",
        final_copy=final_copy,
        programme=programme,
        issued_on=party_date(local_date(programme.approved_at)),
        form=form,
        genuine=genuine,
    )
