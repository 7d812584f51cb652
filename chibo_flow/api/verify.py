"""POST /api/v1/verify: public (no token), rate-limited; what an uploaded PDF is (DESIGN §4b)."""

from typing import Any

from marshmallow import Schema, fields

from chibo_flow import messages
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.errors import error_response
from chibo_flow.timefmt import local_date
from chibo_flow.verify.check import Verdict, check_copy, public_title
from chibo_flow.verify.ratelimit import limit_verification

blp = Blueprint(
    "api_verify", __name__, url_prefix="/api/v1",
    description="Xác thực một tệp PDF: văn bản nào, chữ ký số có nguyên vẹn và tin cậy không.",
)  # fmt: skip
limit_verification(blp)


class VerifyFileSchema(Schema):
    """The PDF to check."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class VerifiedProgrammeSchema(Schema):
    """The approved document the file is, or claims to be."""

    org = fields.String()
    number = fields.String()
    date = fields.Date()
    title = fields.String(
        allow_none=True,
        metadata={"description": "Trích yếu; null for a “mật” document (its title is secret)"},
    )
    secrecy = fields.String(metadata={"enum": ["thuong", "mat"], "description": "Độ mật"})


class VerifiedSignatureSchema(Schema):
    """The signature over the issued copy (or the file's last one)."""

    valid = fields.Boolean()
    trusted = fields.Boolean()
    revoked = fields.Boolean()
    signer = fields.String()
    signed_at = fields.AwareDateTime(allow_none=True)
    changed_after_signing = fields.Boolean()


class VerifyResultSchema(Schema):
    """{genuine, programme | null, signature | null}."""

    genuine = fields.Boolean()
    programme = fields.Nested(VerifiedProgrammeSchema, allow_none=True)
    signature = fields.Nested(VerifiedSignatureSchema, allow_none=True)


@blp.route("/verify", methods=["POST"])
@blp.arguments(VerifyFileSchema, location="files")
@blp.response(200, VerifyResultSchema)
@blp.doc(security=[])
def verify(files: dict[str, Any]) -> dict[str, Any]:
    """Which approved document a PDF is, whether its signature is intact and trusted, who signed
    it and when, and whether anything was changed after signing."""
    data = files["file"].read()
    verdict = check_copy(data)
    if not verdict.readable:
        return error_response(422, messages.VERIFY_NOT_PDF, "invalid")
    return present_verdict(verdict)


def present_verdict(verdict: Verdict) -> dict[str, Any]:
    """The API's answer for a verdict."""
    copy, signature = verdict.final_copy, verdict.signature
    programme = None
    if copy is not None:
        issued = copy.programme
        programme = {
            "org": issued.org.name,
            "number": issued.number,
            "date": local_date(issued.approved_at),
            "title": public_title(issued),
            "secrecy": issued.secrecy,
        }
    return {
        "genuine": verdict.genuine,
        "programme": programme,
        "signature": None if signature is None else {
            "valid": signature.valid,
            "trusted": signature.trusted,
            "revoked": signature.revoked,
            "signer": signature.signer,
            "signed_at": signature.signed_at,
            "changed_after_signing": signature.changed_after_signing,
        },
    }  # fmt: skip
