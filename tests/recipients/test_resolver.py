"""The resolver: how "Nơi nhận" lines, however they are spelt, reach groups of the directory."""

import unicodedata

import pytest

from chibo_flow.documents.parse import parse_text
from chibo_flow.models import DirectoryEntry, Group
from chibo_flow.models.users import Role
from chibo_flow.recipients import (
    LineStatus,
    learn_alias,
    match_key,
    resolve_line,
    resolve_recipients,
)

STANDING = "Thường trực Đảng ủy xã"
LEADER = "Lãnh đạo phụ trách chi bộ"
MEMBERS = "Cán bộ, đảng viên chi bộ"
BTV = "Ban Thường vụ Đảng ủy"
UBKT = "Ủy ban Kiểm tra Đảng ủy xã"
VETERANS = "Hội Cựu chiến binh xã"
PARTY_COMMITTEE = "Đảng ủy xã"
CELL_COMMITTEE = "Chi ủy chi bộ"
CELL_COMMITTEE_MEMBERS = "Chi ủy viên chi bộ"
SECRETARY = "bithu@chibo.test"
FIXED = {  # group → its people (name, email)
    STANDING: [("Phạm Văn Dũng", "thuongtruc1@chibo.test"), ("Hoàng Thị Hạnh", "tt2@chibo.test")],
    LEADER: [("Ngô Văn Phúc", "phutrach@chibo.test")],
    BTV: [("Đinh Văn Tâm", "btv@chibo.test")],
    UBKT: [("Mai Thị Oanh", "ubkt@chibo.test")],
    VETERANS: [("Trịnh Văn Hùng", "ccb@chibo.test")],
    PARTY_COMMITTEE: [("Văn phòng Đảng ủy", "vpdu@chibo.test")],
    CELL_COMMITTEE: [("Nguyễn Văn An", "chiuy@chibo.test")],
    CELL_COMMITTEE_MEMBERS: [("Trần Thị Bình", "chiuyvien@chibo.test")],
}


@pytest.fixture
def org(db, make):
    """An org whose directory holds the groups above; MEMBERS is its Party members."""
    org = make.org()
    make.user(Role.SECRETARY, org, email=SECRETARY, name="Vũ Thị Xuyên")
    people: dict[str, DirectoryEntry] = {}
    for name, members in FIXED.items():
        group = Group(org_id=org.id, name=name)
        for person, email in members:
            people.setdefault(email, DirectoryEntry(org_id=org.id, name=person, email=email))
            group.entries.append(people[email])
        db.session.add(group)
    db.session.add(Group(org_id=org.id, name=MEMBERS, members_of_org_id=org.id))
    db.session.commit()
    return org


def group_named(db, org, name: str) -> Group:
    """A group of the test directory by name."""
    return next(g for g in db.session.query(Group).filter_by(org_id=org.id) if g.name == name)


# (written line, purpose as the parser gives it) → the groups it reaches, in line order.
RESOLVED = [
    ("Thường trực Đảng ủy xã", "bao_cao", [STANDING]),
    ("Thường trực Đảng ủy", "bao_cao", [STANDING]),
    ("Thường trực ĐU", "bao_cao", [STANDING]),
    ("TT ĐU", "bao_cao", [STANDING]),
    ("TT Đảng ủy xã", "bao_cao", [STANDING]),
    ("thuong truc dang uy", "bao_cao", [STANDING]),
    ("THƯỜNG TRỰC ĐẢNG ỦY", "bao_cao", [STANDING]),
    ("Thường trực Đảng uỷ", "bao_cao", [STANDING]),  # the old tone placement "uỷ"
    ("tt du", "bao_cao", [STANDING]),
    (unicodedata.normalize("NFD", "Thường trực Đảng ủy"), "bao_cao", [STANDING]),
    ("Lãnh đạo phụ trách chi bộ", "none", [LEADER]),
    ("lãnh đạo phụ trách CB", "none", [LEADER]),
    ("BTV ĐU", "bao_cao", [BTV]),
    ("Ban Thường vụ", "bao_cao", [BTV]),
    ("UBKT Đảng ủy", "de_biet", [UBKT]),
    ("Ủy ban kiểm tra ĐU", "de_biet", [UBKT]),
    ("Hội CCB", "phoi_hop", [VETERANS]),
    ("CU chi bộ", "thuc_hien", [CELL_COMMITTEE]),  # "chi ủy", the second reading of CU
    ("Đảng ủy xã", "bao_cao", [PARTY_COMMITTEE]),  # the exact name wins over containment
    ("CB, đảng viên", "thuc_hien", [MEMBERS]),
    ("CB, ĐV", "thuc_hien", [MEMBERS]),
    ("Cán bộ, đảng viên chi bộ", "thuc_hien", [MEMBERS]),
    ("cán bộ đảng viên", "thuc_hien", [MEMBERS]),
    ("Thường trực ĐU; Lãnh đạo phụ trách chi bộ", "bao_cao", [STANDING, LEADER]),
    ("TT ĐU, BTV ĐU", "bao_cao", [STANDING, BTV]),
    ("Thường trực ĐU và Hội Cựu chiến binh", "de_biet", [STANDING, VETERANS]),
]


@pytest.mark.parametrize(("line", "purpose", "groups"), RESOLVED, ids=[r[0] for r in RESOLVED])
def test_line_spellings_resolve_to_groups(org, line, purpose, groups):
    result = resolve_line(org, line, purpose)

    assert result.status == LineStatus.RESOLVED
    assert [g.name for g in result.groups] == groups
    assert result.resolved
    expected = {email for name in groups for _, email in FIXED.get(name, [])}
    assert expected <= {p.email for p in result.people}


ARCHIVE = [("Lưu VP", "luu"), ("Lưu. CB.", "luu"), ("Lưu", "luu"), ("Lưu hồ sơ", "none")]


@pytest.mark.parametrize(("line", "purpose"), ARCHIVE, ids=[a[0] for a in ARCHIVE])
def test_archive_lines_file_a_copy_and_mail_nobody(org, line, purpose):
    result = resolve_line(org, line, purpose)

    assert result.status == LineStatus.ARCHIVE
    assert result.is_archive and result.resolved
    assert result.people == [] and result.groups == []


@pytest.mark.parametrize("line", ["Mặt trận Tổ quốc xã", "Như trên", "Hội CCB, Đoàn Thanh niên"])
def test_unknown_lines_are_unresolved(org, line):
    result = resolve_line(org, line, "de_biet")

    assert result.status == LineStatus.UNRESOLVED
    assert not result.resolved
    assert result.people == []


AMBIGUOUS = [
    ("Chi ủy", [CELL_COMMITTEE, CELL_COMMITTEE_MEMBERS]),
    ("ĐU", [BTV, STANDING, UBKT, PARTY_COMMITTEE]),
]


@pytest.mark.parametrize(("line", "candidates"), AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_similar_groups_make_a_line_ambiguous_with_every_candidate(org, line, candidates):
    result = resolve_line(org, line, "thuc_hien")

    assert result.status == LineStatus.AMBIGUOUS
    assert not result.resolved
    assert sorted(g.name for g in result.candidates) == sorted(candidates)
    assert result.people == []


def test_a_learnt_alias_settles_an_ambiguous_line_and_comes_first(db, org):
    learn_alias(org, "Chi ủy", group_named(db, org, CELL_COMMITTEE_MEMBERS))
    # An alias even beats a group whose name is exactly the line.
    learn_alias(org, "Đảng ủy xã", group_named(db, org, STANDING))
    db.session.commit()

    assert [g.name for g in resolve_line(org, "chi uy", "none").groups] == [CELL_COMMITTEE_MEMBERS]
    assert [g.name for g in resolve_line(org, "ĐẢNG ỦY XÃ", "none").groups] == [STANDING]


def test_relearning_an_alias_points_it_at_the_new_group(db, org):
    learn_alias(org, "Chi ủy", group_named(db, org, CELL_COMMITTEE))
    db.session.commit()
    learn_alias(org, "chi uy", group_named(db, org, CELL_COMMITTEE_MEMBERS))
    db.session.commit()

    assert [g.name for g in resolve_line(org, "Chi ủy", "none").groups] == [CELL_COMMITTEE_MEMBERS]


def test_the_members_group_reaches_the_orgs_party_members_as_they_are_now(db, make, org):
    member = make.user(Role.MEMBER, org, name="Đỗ Thị Lan")
    make.user(Role.ADMIN, org, name="Quản trị")  # IT staff, not a Party member
    make.user(Role.MEMBER, make.org(name="Chi bộ Thôn Đông", code="CBTD"))

    first = resolve_line(org, "CB, đảng viên", "thuc_hien")
    assert {p.email for p in first.people} == {SECRETARY, member.email}

    member.active = False
    newcomer = make.user(Role.COMMITTEE, org, name="Lê Văn Cường")
    assert {p.email for p in resolve_line(org, "CB, ĐV", "thuc_hien").people} == {
        SECRETARY,
        newcomer.email,
    }


def test_a_group_without_people_does_not_count_as_resolved(db, org):
    db.session.add(Group(org_id=org.id, name="Ban Tuyên giáo"))
    db.session.commit()

    result = resolve_line(org, "Ban Tuyên giáo", "de_biet")

    assert result.status == LineStatus.RESOLVED
    assert [g.name for g in result.groups] == ["Ban Tuyên giáo"]
    assert not result.resolved


def test_an_address_reached_by_two_groups_of_a_line_is_listed_once(db, org):
    standing, btv = group_named(db, org, STANDING), group_named(db, org, BTV)
    btv.entries.append(standing.entries[0])
    db.session.commit()

    people = resolve_line(org, "TT ĐU, BTV ĐU", "bao_cao").people

    assert sorted(p.email for p in people) == ["btv@chibo.test", "thuongtruc1@chibo.test",
                                               "tt2@chibo.test"]  # fmt: skip


def test_each_org_resolves_against_its_own_directory(db, make, org):
    other = make.org(name="Chi bộ Thôn Đông", code="CBTD")

    assert resolve_line(other, "Thường trực ĐU", "bao_cao").status == LineStatus.UNRESOLVED


def test_the_seed_lines_resolve_in_order(org, seed_text):
    lines = resolve_recipients(org, parse_text(seed_text).to_dict()["recipients"])

    assert [(line.label, line.status) for line in lines] == [
        ("Thường trực ĐU", LineStatus.RESOLVED),
        ("Lãnh đạo phụ trách chi bộ", LineStatus.RESOLVED),
        ("CB, đảng viên", LineStatus.RESOLVED),
        ("Lưu. CB", LineStatus.ARCHIVE),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Thường trực ĐU", "thuong truc dang uy"),
        ("BTV Đảng ủy", "ban thuong vu dang uy"),
        ("UBKT", "uy ban kiem tra"),
        ("đv", "dang vien"),
        ("Ban dự án", "ban du an"),  # "dự" is a word, not the abbreviation ĐU
        ("  Lưu.  CB. ", "luu chi bo"),
        (unicodedata.normalize("NFD", "Đảng ủy"), "dang uy"),
        ("(b/c)", "b c"),
        ("", ""),
    ],
)
def test_match_key(text, key):
    assert match_key(text) == key
