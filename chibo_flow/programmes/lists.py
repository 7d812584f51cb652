"""The home page's lists: which programmes a user sees under which heading, one page of each.

Every list, and the secretary's notice of programmes whose emails failed, comes from one SQL
statement (a UNION ALL of one LIMITed query per list) that selects only the columns the page
shows, so the page runs the same two statements (this and the login session) whatever the
number of programmes. A list fetches one row more than it shows to know whether a next page
exists: there is no COUNT over the whole archive, and a total is shown only once it is known
(on a list's last page).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal,
    select,
    union_all,
)

from chibo_flow.extensions import db
from chibo_flow.models import Comment, Delivery, Org, Programme, Vote
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role, User
from chibo_flow.security.limits import MAX_PAGE

PER_PAGE = 50


class ListRow(NamedTuple):
    """What a list shows of one programme (a plain tuple: the page reads ~10 fields per row)."""

    id: int
    doc_type: str
    title: str
    state: str
    number: str | None
    approved_at: datetime | None
    updated_at: datetime
    secrecy: str
    urgency: str
    org_name: str
    submitter_name: str | None
    review_deadline: datetime | None  # hạn cho ý kiến of the round in review
    failed_emails: int  # final-copy emails that failed (counted in the FAILED list only, else 0)
    open_points: int  # unresolved opinions and comment threads (the secretary's lists, else 0)


# The columns behind ListRow, in its order (the last two, failed_emails and open_points, come
# from the ListSpec).
_ROW_COLUMNS = (
    Programme.id,
    Programme.doc_type,
    Programme.title,
    Programme.state,
    Programme.number,
    Programme.approved_at,
    Programme.updated_at,
    Programme.secrecy,
    Programme.urgency,
    Org.name.label("org_name"),
    User.name.label("submitter_name"),
    Programme.review_deadline,
)
FAILED = "failed_page"  # the key of the list of programmes with failed emails


@dataclass(frozen=True)
class ListPage:
    """One page of a list: the rows shown and whether pages exist before and after it."""

    key: str
    page: int
    rows: list[ListRow]
    has_next: bool
    always_shown: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def counted(self) -> int:
        """Programmes on this page and the pages before it: the list's total on its last page,
        fewer than the total otherwise."""
        return (self.page - 1) * PER_PAGE + len(self.rows)

    @property
    def pages(self) -> int | None:
        """How many pages the list has, once known (on its last page), else None."""
        return None if self.has_next else self.page


@dataclass(frozen=True)
class ListSpec:
    """One list of the home page: who sees it, which programmes it holds, newest first."""

    key: str  # also the page's query parameter
    roles: frozenset[Role]  # shown to users holding one of these roles (in any org)
    always_shown: bool  # shown with "no programmes" when empty, else hidden
    where: ColumnElement[bool]  # over Programme, with the bind parameters of `_list_params`
    newest: ColumnElement[datetime]
    failed_emails: ColumnElement[int] | None = None  # over Programme; 0 when None
    open_points: ColumnElement[int] | None = None  # over Programme; 0 when None


def _orgs(name: str) -> BindParameter:
    return bindparam(name, expanding=True)


_AWAITING_ME = and_(
    Programme.state == State.REVIEW,
    Programme.org_id.in_(_orgs("committee_orgs")),
    Programme.submitted_by_id != bindparam("user_id"),
    ~exists().where(
        Vote.programme_id == Programme.id,
        Vote.review_round == Programme.review_round,
        Vote.user_id == bindparam("user_id"),
        Vote.superseded_at.is_(None),  # an opinion taken back leaves it awaiting the member
    ),
)

# What the secretary has still to address: unresolved threads (an opinion's reason starts one).
_OPEN_POINTS = (
    select(func.count())
    .where(
        Comment.programme_id == Programme.id,
        Comment.parent_id.is_(None),
        Comment.resolved_at.is_(None),
    )
    .scalar_subquery()
)

_FAILED_FINAL_COPY = and_(
    Delivery.kind == FINAL_COPY,
    Delivery.status == DeliveryStatus.FAILED,
)

# The page's lists in order: the programmes of the user's secretary orgs whose final copy failed
# to reach someone (shown as a notice, with how many emails failed), "Chờ tôi duyệt" (in review
# in the user's committees, submitted by someone else, without the user's current opinion in
# this round), "Đang trình duyệt" (the other programmes in review the user writes or reviews),
# "Dự thảo" (drafts where the user is secretary), "Đã thông qua" (approved programmes of every
# org the user belongs to).
LISTS = (
    ListSpec(
        FAILED,
        frozenset({Role.SECRETARY}),
        False,
        and_(
            Programme.id.in_(select(Delivery.programme_id).where(_FAILED_FINAL_COPY)),
            Programme.org_id.in_(_orgs("secretary_orgs")),
        ),
        Programme.approved_at,
        select(func.count())
        .where(Delivery.programme_id == Programme.id, _FAILED_FINAL_COPY)
        .scalar_subquery(),
    ),
    ListSpec(
        "review_page",
        frozenset({Role.COMMITTEE}),
        True,
        _AWAITING_ME,
        Programme.updated_at,
    ),
    ListSpec(
        "pending_page",
        frozenset({Role.SECRETARY, Role.COMMITTEE}),
        False,
        and_(
            Programme.state == State.REVIEW,
            Programme.org_id.in_(_orgs("reviewer_orgs")),
            Programme.id.not_in(select(Programme.id).where(_AWAITING_ME)),
        ),
        Programme.updated_at,
        open_points=_OPEN_POINTS,
    ),
    ListSpec(
        "draft_page",
        frozenset({Role.SECRETARY}),
        True,
        and_(
            Programme.state == State.DRAFT,
            Programme.org_id.in_(_orgs("secretary_orgs")),
        ),
        Programme.updated_at,
        open_points=_OPEN_POINTS,
    ),
    ListSpec(
        "approved_page",
        frozenset(Role),
        True,
        and_(
            Programme.state == State.APPROVED,
            Programme.org_id.in_(_orgs("member_orgs")),
        ),
        Programme.approved_at,
    ),
)


def _list_params(user: User) -> dict[str, object]:
    """The values of the lists' bind parameters for `user`."""
    return {
        "user_id": user.id,
        "committee_orgs": user.org_ids(Role.COMMITTEE),
        "reviewer_orgs": user.org_ids(Role.SECRETARY, Role.COMMITTEE),
        "secretary_orgs": user.org_ids(Role.SECRETARY),
        "member_orgs": user.org_ids(),
    }


def _offset(key: str) -> str:
    """The name of the bind parameter holding list `key`'s offset."""
    return f"offset_{key}"


@lru_cache(maxsize=32)
def _list_query(keys: tuple[str, ...]) -> CompoundSelect:
    """One statement for a page of each list in `keys`, built once per combination of lists
    (there are a few, by role) and reused by the requests that ask for it. Every value is a
    bound parameter: the user and org ids, the states, the page size and each list's offset."""
    members = []
    for position, spec in enumerate(spec for spec in LISTS if spec.key in keys):
        failed = literal(0) if spec.failed_emails is None else spec.failed_emails
        points = literal(0) if spec.open_points is None else spec.open_points
        one_page = (
            select(
                *_ROW_COLUMNS,
                failed.label("failed_emails"),
                points.label("open_points"),
                literal(position).label("list_position"),
                spec.newest.label("sort_at"),
            )
            .join(Org, Org.id == Programme.org_id)
            .outerjoin(User, User.id == Programme.submitted_by_id)
            .where(spec.where)
            .order_by(spec.newest.desc(), Programme.id.desc())
            .limit(bindparam("per_page"))
            .offset(bindparam(_offset(spec.key)))
            .subquery()
        )
        members.append(select(one_page))
    return union_all(*members).order_by(
        column("list_position"), column("sort_at").desc(), column("id").desc()
    )


def list_pages(user: User, page_numbers: dict[str, int]) -> list[ListPage]:
    """One page of each list the user's roles call for (page numbers by list key, default 1),
    all from one query; a list that can hold nothing for the user costs nothing."""
    roles = {m.role for m in user.memberships}
    specs = [spec for spec in LISTS if spec.roles & roles]
    pages = {spec.key: min(max(1, page_numbers.get(spec.key, 1)), MAX_PAGE) for spec in specs}
    offsets = {_offset(key): (page - 1) * PER_PAGE for key, page in pages.items()}
    rows: list[list[ListRow]] = [[] for _ in specs]
    width = len(ListRow._fields)
    # On the session's connection: the statement selects columns, not objects, so the ORM's
    # result processing would only cost time.
    statement = _list_query(tuple(pages))
    params = _list_params(user) | offsets | {"per_page": PER_PAGE + 1}
    for row in db.session.connection().execute(statement, params).all():
        rows[row.list_position].append(ListRow._make(row[:width]))
    return [
        ListPage(
            key=spec.key,
            page=pages[spec.key],
            rows=found[:PER_PAGE],
            has_next=len(found) > PER_PAGE,
            always_shown=spec.always_shown,
        )
        for spec, found in zip(specs, rows, strict=True)
    ]
