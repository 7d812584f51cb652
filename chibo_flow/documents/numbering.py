"""Số ký hiệu: the official number a programme gets on approval."""

from sqlalchemy import func, select

from chibo_flow.documents.format import DOC_TYPE_CODES, FALLBACK_TYPE_CODE, NUMBER_PATTERN
from chibo_flow.extensions import db
from chibo_flow.models import Programme


def assign_number(programme: Programme) -> None:
    """Give `programme` the next number of its (org, document type, term) sequence.

    Runs inside the approval transaction; the unique constraint on
    (org_id, doc_type, term_start, number_seq) makes a concurrent duplicate fail at commit,
    and the caller retries the whole transaction.
    """
    org = programme.org
    programme.term_start = org.term_start
    last = db.session.scalar(
        select(func.max(Programme.number_seq)).where(
            Programme.org_id == org.id,
            Programme.doc_type == programme.doc_type,
            Programme.term_start.is_(None)
            if org.term_start is None
            else Programme.term_start == org.term_start,
        )
    )
    programme.number_seq = (last or 0) + 1
    programme.number = NUMBER_PATTERN.format(
        seq=programme.number_seq,
        type_code=DOC_TYPE_CODES.get(programme.doc_type, FALLBACK_TYPE_CODE),
        org_code=org.code,
    )
