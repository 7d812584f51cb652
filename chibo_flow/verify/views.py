"""/xac-thuc/<code>: what was issued under a verification code, and what an uploaded PDF is;
/xac-thuc/crl/<name>: the CRLs the deployment publishes (the demo CA's).

Public (no login), rate-limited: the page shows only what is printed on the document itself (org,
number, date, title), the signature of the issued copy and its SHA-256 fingerprint; of a "mật"
document it shows that it was issued (and signed), its issuer, number and date, never its title
(chibo_flow.verify.check.public_title). An uploaded PDF is judged by chibo_flow.verify.check.
"""

from pathlib import Path

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.documents.final_copy import final_copy_by_code
from chibo_flow.documents.render import party_date
from chibo_flow.documents.signing import SignatureCheck, read_signatures
from chibo_flow.errors import error_response
from chibo_flow.models import FinalCopy
from chibo_flow.security.headers import cache_publicly
from chibo_flow.timefmt import local_date
from chibo_flow.verify.check import check_copy, public_title
from chibo_flow.verify.forms import VerifyUploadForm
from chibo_flow.verify.ratelimit import limit_verification

bp = Blueprint("verify", __name__)
limit_verification(bp)
FINGERPRINT_GROUP = 8  # hex digits shown together, so the fingerprint wraps between groups
CRL_TYPE = "application/pkix-crl"  # RFC 5280, 4.2.1.13
CRL_MAX_AGE_S = 300  # how long a fetcher may keep a CRL before asking again


@bp.route("/xac-thuc/<code>", methods=["GET", "POST"])
def show(code: str) -> Response | str:
    """The issued copy's particulars; on upload, whether the file is that copy."""
    final_copy = final_copy_by_code(code)
    if final_copy is None:
        return error_response(404, messages.VERIFY_UNKNOWN_CODE)
    programme = final_copy.programme
    form = VerifyUploadForm()
    verdict = None
    if form.validate_on_submit():
        verdict = check_copy(form.file.data.read(), expected=final_copy)
    sha = final_copy.sha256
    return render_template(
        "verify/show.html",
        final_copy=final_copy,
        issued_signature=_issued_signature(final_copy),
        programme=programme,
        title=public_title(programme),
        issued_on=party_date(local_date(programme.approved_at)),
        fingerprint=[sha[i : i + FINGERPRINT_GROUP] for i in range(0, len(sha), FINGERPRINT_GROUP)],
        form=form,
        verdict=verdict,
    )


def _issued_signature(final_copy: FinalCopy) -> SignatureCheck | None:
    """The signature of the issued copy as it stands today (its certificate may have been
    revoked since), for someone holding only the printed code; None while unsigned."""
    if final_copy.signed_at is None:
        return None
    signatures = read_signatures(final_copy.pdf, current_app.config)
    return signatures[-1] if signatures else None


@bp.get("/xac-thuc/crl/<name>")
def crl(name: str) -> Response:
    """A CRL of SIGNING_CRLS, by its file name (the address its certificates name): public
    material, the CA's signed list, which caches may keep CRL_MAX_AGE_S."""
    for path in map(Path, current_app.config.get("SIGNING_CRLS") or []):
        if path.name == name and path.is_file():
            return cache_publicly(Response(path.read_bytes(), mimetype=CRL_TYPE), CRL_MAX_AGE_S)
    return error_response(404, messages.CRL_UNKNOWN)
