"""Signed review links in emails: bound to one user and one revision, expiring."""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "chibo-flow.review-link"


@dataclass(frozen=True)
class ReviewLink:
    """What a link was made for."""

    user_id: int
    programme_id: int
    revision_id: int


class LinkExpired(Exception):
    """The link was valid but is older than REVIEW_LINK_MAX_AGE_S."""

    def __init__(self, link: ReviewLink) -> None:
        super().__init__("review link expired")
        self.link = link


class LinkInvalid(Exception):
    """The token was not made by us (or was altered)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def review_token(user_id: int, programme_id: int, revision_id: int) -> str:
    """A URL-safe signed token for `user_id` reviewing one revision of one programme."""
    return _serializer().dumps([user_id, programme_id, revision_id])


def review_url(user_id: int, programme_id: int, revision_id: int) -> str:
    """The absolute link (PUBLIC_URL) that opens the review page after login."""
    token = review_token(user_id, programme_id, revision_id)
    return f"{current_app.config['PUBLIC_URL']}/review/{token}"


def read_review_token(token: str) -> ReviewLink:
    """The ReviewLink of a token; raises LinkExpired (with the link) or LinkInvalid."""
    serializer = _serializer()
    try:
        data = serializer.loads(token, max_age=current_app.config["REVIEW_LINK_MAX_AGE_S"])
    except SignatureExpired as exc:
        payload = serializer.load_payload(exc.payload) if exc.payload is not None else None
        raise LinkExpired(_link(payload)) from exc
    except BadSignature as exc:
        raise LinkInvalid() from exc
    return _link(data)


def _link(data: object) -> ReviewLink:
    if not (isinstance(data, list) and len(data) == 3 and all(isinstance(v, int) for v in data)):
        raise LinkInvalid()
    return ReviewLink(*data)
