"""The demo: the seed's chi bộ, its people and directory, and the seed document as a draft.

The Thường trực Đảng ủy are cấp ủy viên of the Đảng bộ: once the chi bộ approves its programme
they find it under "Văn bản đến" (their own copy and the Đảng bộ's incoming entry, liên thông)
and in the Đảng bộ's "Sổ văn bản đến" (INCOMING_LOGIN is printed with the logins).

Loading it twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from chibo_flow.auth.passwords import hash_password
from chibo_flow.documents.certificates import (
    CA_YEARS,
    SigningFiles,
    make_ca,
    write_signing_files,
)
from chibo_flow.documents.final_copy import crl_url
from chibo_flow.documents.parse import parse_upload
from chibo_flow.extensions import db
from chibo_flow.models import DirectoryEntry, Group, Membership, Org, Programme, User
from chibo_flow.models.users import Role
from chibo_flow.recipients import learn_alias
from chibo_flow.workflow import create_programme

SEED_FILE = Path(__file__).with_name("chuong-trinh-hanh-dong-2023.txt")
DEMO_PASSWORD = "chibo-demo-2023"
PARENT_ORG = "Đảng bộ xã Tiên Cường"
ORG = "Chi bộ Trường Mầm non Tiên Cường"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: email, name, role, and the org it holds the role in."""

    email: str
    name: str
    role: Role
    org: str


DEMO_USERS = [
    DemoUser("bithu@chibo.demo", "Vũ Thị Xuyên", Role.SECRETARY, ORG),
    DemoUser("capuy1@chibo.demo", "Nguyễn Văn An", Role.COMMITTEE, ORG),
    DemoUser("capuy2@chibo.demo", "Trần Thị Bình", Role.COMMITTEE, ORG),
    DemoUser("capuy3@chibo.demo", "Lê Văn Cường", Role.COMMITTEE, ORG),
    DemoUser("thuongtruc1@chibo.demo", "Phạm Văn Dũng", Role.COMMITTEE, PARENT_ORG),
    DemoUser("thuongtruc2@chibo.demo", "Hoàng Thị Hạnh", Role.COMMITTEE, PARENT_ORG),
    # The Đảng bộ's Văn phòng: its secretary account (registers, its own drafts), not a Thường trực.
    DemoUser("vanphong@chibo.demo", "Đặng Thị Thu", Role.SECRETARY, PARENT_ORG),
    DemoUser("admin@chibo.demo", "Quản trị hệ thống", Role.ADMIN, ORG),
]
STANDING = DEMO_USERS[4:6]  # Thường trực Đảng ủy xã: the line "Thường trực ĐU" of Nơi nhận
INCOMING_LOGIN = STANDING[0]  # who the demo shows the Đảng bộ's incoming register
PARTY_MEMBERS = [  # đảng viên of the chi bộ without a login role beyond "member"
    DemoUser("dangvien1@chibo.demo", "Đỗ Thị Lan", Role.MEMBER, ORG),
    DemoUser("dangvien2@chibo.demo", "Bùi Văn Minh", Role.MEMBER, ORG),
]
# Marks the demo CA and certificate in their subjects (OU): they sign nothing of legal value.
NO_LEGAL_VALUE = "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ — chỉ dùng thử"
DEMO_SIGNER_STEM = "demo-signer"  # demo-signer.p12 and demo-signer-ca.pem (chibo_flow.config)
LEADER = ("Ngô Văn Phúc", "phutrach@chibo.demo", "Đảng ủy viên phụ trách chi bộ")


def load_demo() -> list[DemoUser]:
    """Create (once) the demo orgs, users, directory and draft; returns the logins to print."""
    parent = _org(PARENT_ORG, "ĐU", None)
    org = _org(ORG, "CB", parent)
    org.approvals_required = 2
    # One argon2 hash for the one shared demo password (argon2 is slow on purpose).
    password_hash = hash_password(DEMO_PASSWORD)
    for person in DEMO_USERS + PARTY_MEMBERS:
        _user(person, parent if person.org == PARENT_ORG else org, password_hash)
    standing = _group(org, "Thường trực Đảng ủy xã")
    standing.receiving_org_id = parent.id  # liên thông: also the Đảng bộ's incoming register
    standing.entries = [_entry(org, u.name, u.email, "Thường trực Đảng ủy") for u in STANDING]
    leader = _group(org, "Lãnh đạo phụ trách chi bộ")
    leader.entries = [_entry(org, *LEADER)]
    members = _group(org, "Cán bộ, đảng viên chi bộ")
    members.members_of_org_id = org.id
    learn_alias(org, "Thường trực ĐU", standing)
    learn_alias(org, "CB, đảng viên", members)
    db.session.commit()
    if db.session.scalar(select(Programme.id).where(Programme.org_id == org.id)) is None:
        secretary = db.session.scalar(select(User).where(User.email == DEMO_USERS[0].email))
        doc = parse_upload(SEED_FILE.read_bytes(), SEED_FILE.name)
        create_programme(org, secretary, doc.to_dict())
    return DEMO_USERS + PARTY_MEMBERS


def create_demo_signer(directory: Path, passphrase: str) -> SigningFiles | None:
    """Create (once) a demo CA and a signing certificate of the demo chi bộ in `directory`, both
    marked as having no legal value, and the CA's CRL, which the app publishes at the address
    the certificate names (the demo keeps no CA key: the CRL lasts as long as the CA); None
    when they exist already."""
    stem = directory / DEMO_SIGNER_STEM
    if stem.with_suffix(".p12").is_file() and Path(f"{stem}-ca.pem").is_file():
        return None
    ca = make_ca("CA dùng thử Chi bộ Flow", "Chi bộ Flow", NO_LEGAL_VALUE)
    return write_signing_files(directory, ca, ORG, PARENT_ORG, passphrase, NO_LEGAL_VALUE,
                               DEMO_SIGNER_STEM, crl_url(f"{DEMO_SIGNER_STEM}-ca.crl"),
                               CA_YEARS * 365)  # fmt: skip


def _org(name: str, code: str, parent: Org | None) -> Org:
    org = db.session.scalar(select(Org).where(Org.name == name))
    if org is None:
        org = Org(
            name=name, code=code, parent=parent, place="Tiên Cường", term_start=date(2022, 1, 1)
        )
        db.session.add(org)
        db.session.flush()
    return org


def _user(person: DemoUser, org: Org, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == person.email))
    if user is None:
        user = User(email=person.email, name=person.name, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    if not user.has_role(person.role, org):
        db.session.add(Membership(user=user, org=org, role=person.role))
        db.session.flush()
    return user


def _group(org: Org, name: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.org_id == org.id, Group.name == name))
    if group is None:
        group = Group(org_id=org.id, name=name)
        db.session.add(group)
        db.session.flush()
    return group


def _entry(org: Org, name: str, email: str, position: str) -> DirectoryEntry:
    entry = db.session.scalar(
        select(DirectoryEntry).where(DirectoryEntry.org_id == org.id, DirectoryEntry.email == email)
    )
    if entry is None:
        entry = DirectoryEntry(org_id=org.id, name=name, email=email, position=position)
        db.session.add(entry)
        db.session.flush()
    return entry
