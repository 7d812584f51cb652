"""The `flask --app wsgi ...` commands of DESIGN.md §4, run as real processes like an operator."""

import json
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.auth.sessions import user_for_token
from chibo_flow.demo import DEMO_PASSWORD, DEMO_USERS, INCOMING_LOGIN, PARENT_ORG
from chibo_flow.models import Membership, Org, User
from chibo_flow.models.users import Role
from tests.documents.samples import office, programme_docx, scanned_pdf
from tests.member_sheets import as_csv, as_xlsx, members, with_three_bad_rows
from tests.support import ROOT, SEED, flask_cli, wait_for

NEW_PASSWORD = "mật-khẩu-đủ-dài"


def cli_ok(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run a flask command that must succeed; its standard output."""
    result = flask_cli(env, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fresh(db, statement):
    """Run `statement` in a new transaction, so rows written by another process are seen."""
    db.session.rollback()
    return db.session.scalars(statement).all()


def test_orgs_create_with_parent_and_place(env, db):
    cli_ok(env, "orgs", "create", "Đảng bộ xã Tiên Cường", "--code", "ĐU")
    out = cli_ok(
        env, "orgs", "create", "Chi bộ Thôn Đông", "--code", "CB",
        "--parent", "Đảng bộ xã Tiên Cường", "--place", "Tiên Cường",
    )  # fmt: skip

    assert "Chi bộ Thôn Đông" in out
    [org] = fresh(db, select(Org).where(Org.name == "Chi bộ Thôn Đông"))
    assert (org.code, org.place, org.parent.name) == ("CB", "Tiên Cường", "Đảng bộ xã Tiên Cường")


def test_orgs_list_json_gives_ids_and_the_tree(env, db):
    cli_ok(env, "orgs", "create", "Đảng bộ xã Tiên Cường", "--code", "ĐU")
    cli_ok(env, "orgs", "create", "Chi bộ Thôn Đông", "--code", "CB",
           "--parent", "Đảng bộ xã Tiên Cường")  # fmt: skip

    listed = json.loads(cli_ok(env, "orgs", "list", "--json"))

    parent, cell = (fresh(db, select(Org).where(Org.name == name))[0]
                    for name in ("Đảng bộ xã Tiên Cường", "Chi bộ Thôn Đông"))  # fmt: skip
    assert [{k: o[k] for k in ("id", "name", "code", "parent_id")} for o in listed] == [
        {"id": cell.id, "name": "Chi bộ Thôn Đông", "code": "CB", "parent_id": parent.id},
        {"id": parent.id, "name": "Đảng bộ xã Tiên Cường", "code": "ĐU", "parent_id": None},
    ]


def test_orgs_create_twice_is_refused_in_vietnamese(env, db):
    cli_ok(env, "orgs", "create", "Chi bộ Thôn Đông", "--code", "CB")
    result = flask_cli(env, "orgs", "create", "Chi bộ Thôn Đông", "--code", "CB")

    assert result.returncode == 1
    assert "Tổ chức đã tồn tại: Chi bộ Thôn Đông" in result.stderr
    assert len(fresh(db, select(Org))) == 1


def test_users_create_reads_the_password_from_stdin_and_the_user_can_log_in(env, db, make, client):
    org = make.org()
    cli_ok(
        env, "users", "create", "BiThu@Chibo.test", "--name", "Vũ Thị Xuyên",
        "--role", "secretary", "--org", org.name, "--password-stdin", stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip

    [user] = fresh(db, select(User))
    assert user.email == "bithu@chibo.test"
    assert [(m.org.name, m.role) for m in user.memberships] == [(org.name, "secretary")]
    response = client.post("/login", data={"email": "bithu@chibo.test", "password": NEW_PASSWORD})
    assert response.headers["Location"] == "/login/enrol"  # a secretary's second factor next
    assert "Đăng ký xác thực hai lớp" in client.get("/login/enrol").get_data(as_text=True)


def test_users_create_refuses_a_short_password_and_creates_nobody(env, db, make):
    org = make.org()
    result = flask_cli(
        env, "users", "create", "a@chibo.test", "--name", "A", "--role", "member",
        "--org", org.name, "--password-stdin", stdin="ngan\n",
    )  # fmt: skip

    assert result.returncode == 1
    assert "Mật khẩu cần ít nhất 8 ký tự" in result.stderr
    assert fresh(db, select(User)) == []


def test_users_token_prints_only_a_token_that_authenticates(env, db, make):
    user = make.user(Role.COMMITTEE, make.org())
    totp.current_code(user)  # enrolled, as a committee member's role requires
    out = cli_ok(env, "users", "token", user.email)

    assert out.endswith("\n") and out.count("\n") == 1
    token = out.strip()
    assert " " not in token and len(token) >= 32
    db.session.rollback()
    assert user_for_token(token).email == user.email


def test_users_token_after_the_demo_gives_the_secretary_a_token_the_api_accepts(env, db, client):
    """The demo's bí thư has no second factor yet: in development `users token` enrols one, as
    `users otp` would, and still prints only the token; the API accepts it."""
    cli_ok(env, "demo")
    out = cli_ok(env, "users", "token", "bithu@chibo.demo")

    assert out.endswith("\n") and out.count("\n") == 1
    token = out.strip()
    listed = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.get_json()
    assert [p["state"] for p in listed.get_json()["items"]] == ["draft"]  # the demo's seed
    assert len(cli_ok(env, "users", "otp", "bithu@chibo.demo").strip()) == 6  # codes to log in


def test_users_list_json_gives_every_role_in_every_org(env, db, make):
    org = make.org()
    parent = make.org("Đảng bộ xã Tiên Cường", code="ĐU")
    secretary = make.user(Role.SECRETARY, org, email="bithu@chibo.test", name="Vũ Thị Xuyên")
    db.session.add(Membership(user=secretary, org=org, role=Role.COMMITTEE))
    db.session.commit()
    make.user(Role.MEMBER, parent, email="thuongtruc@chibo.test", name="Phạm Văn Dũng")

    everyone = json.loads(cli_ok(env, "users", "list", "--json"))
    of_org = json.loads(cli_ok(env, "users", "list", "--org", org.name, "--json"))

    for user in everyone:
        user["roles"].sort(key=lambda r: (r["org"], r["role"]))
    assert everyone == [
        {
            "email": "bithu@chibo.test",
            "name": "Vũ Thị Xuyên",
            "roles": [
                {"org": org.name, "role": "committee"},
                {"org": org.name, "role": "secretary"},
            ],
        },
        {
            "email": "thuongtruc@chibo.test",
            "name": "Phạm Văn Dũng",
            "roles": [{"org": "Đảng bộ xã Tiên Cường", "role": "member"}],
        },
    ]
    assert [u["email"] for u in of_org] == ["bithu@chibo.test"]


def test_programmes_parse_prints_the_seed_as_json(env):
    doc = json.loads(cli_ok(env, "programmes", "parse", str(SEED)))

    assert doc["doc_type"] == "CHƯƠNG TRÌNH"
    assert doc["title"] == "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"
    headings = [section["heading"] for section in doc["sections"]]
    assert headings[:2] == ["I. Mục đích yêu cầu", "II. Nhiệm vụ trọng tâm"]


def test_programmes_parse_refuses_a_picture_with_a_vietnamese_message(env, tmp_path):
    picture = tmp_path / "anh-chup.png"
    picture.write_bytes(tiny_png())

    result = flask_cli(env, "programmes", "parse", str(picture))

    assert result.returncode == 1
    assert messages.FILE_NOT_DOCUMENT in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["thu-muc", "khong-co.txt"], ids=["a-folder", "missing"])
def test_programmes_parse_of_a_path_that_is_no_file_exits_1_in_vietnamese(env, tmp_path, name):
    (tmp_path / "thu-muc").mkdir()
    path = tmp_path / name

    result = flask_cli(env, "programmes", "parse", str(path))

    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Không đọc được tệp {path}: ")
    assert result.stdout == ""


def test_programmes_parse_says_a_scanned_pdf_is_a_picture(env, tmp_path):
    scan = tmp_path / "ban-quet.pdf"
    scan.write_bytes(scanned_pdf())

    result = flask_cli(env, "programmes", "parse", str(scan))

    assert result.returncode == 1
    assert messages.FILE_PDF_SCANNED in result.stderr
    assert result.stdout == ""


def test_programmes_parse_reads_a_word_97_doc(env, tmp_path):
    old = tmp_path / "chuong-trinh.doc"
    old.write_bytes(office(programme_docx(font=".VnTime"), "docx", "doc"))

    doc = json.loads(cli_ok(env, "programmes", "parse", str(old)))

    assert (doc["doc_type"], doc["header"]["number"]) == ("CHƯƠNG TRÌNH", "01-CTr/CB")
    assert doc["signature"]["name"] == "Vũ Thị Xuyên"


@pytest.mark.parametrize("command", [["demo"], ["users", "list"]], ids=["demo", "users-list"])
def test_a_command_before_db_upgrade_says_to_upgrade_in_one_line(env, tmp_path, command):
    empty = tmp_path / "chua-nang-cap.sqlite"
    env = {**env, "DATABASE_URL": f"sqlite:///{empty}"}

    result = flask_cli(env, *command)

    assert result.returncode == 1
    assert result.stderr == f"Error: {messages.CLI_SCHEMA_NOT_UPGRADED}\n"
    assert "Traceback" not in result.stdout + result.stderr
    assert "db upgrade" in messages.CLI_SCHEMA_NOT_UPGRADED


def test_demo_twice_changes_nothing_and_prints_the_logins(env, db):
    first = cli_ok(env, "demo")
    counts = row_counts(db)
    second = cli_ok(env, "demo")

    assert row_counts(db) == counts
    assert counts["programme"] == 1 and counts["user"] > 0
    assert first == second
    assert DEMO_PASSWORD in first
    for person in DEMO_USERS:
        assert person.email in first
    assert "flask --app wsgi users otp EMAIL" in first  # how the demo gets second-factor codes
    # Who to log in as to see the Đảng bộ's incoming register.
    assert f"đăng nhập {INCOMING_LOGIN.email} ({INCOMING_LOGIN.name}, {PARENT_ORG})" in first
    assert f"“Sổ văn bản đến” của {PARENT_ORG}" in first


def test_the_demo_dang_bo_has_a_secretary_of_its_own_besides_its_thuong_truc(env, db):
    """§4b: the parent org's Văn phòng logs in as its secretary (it keeps the Đảng bộ's
    registers and drafts its own documents), beside the Thường trực who are its committee."""
    printed = cli_ok(env, "demo")
    people = json.loads(cli_ok(env, "users", "list", "--org", PARENT_ORG, "--json"))

    roles = {person["email"]: {r["role"] for r in person["roles"]} for person in people}
    secretaries = [email for email, held in roles.items() if "secretary" in held]
    assert len(secretaries) == 1, roles
    assert sum("committee" in held for held in roles.values()) >= 2
    assert secretaries[0] in printed
    assert not roles[secretaries[0]] & {"committee"}, "the Văn phòng is not a Thường trực"


def test_readme_shows_the_demo_logins(app):
    readme = (Path(ROOT) / "README.md").read_text(encoding="utf-8")

    assert DEMO_PASSWORD in readme
    for person in DEMO_USERS:
        assert person.email in readme


def row_counts(db) -> dict[str, int]:
    """Rows in every table of the schema."""
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def tiny_png() -> bytes:
    """A valid 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_members_invite_sends_an_invitation_and_nobody_types_a_password(
    env, db, make, smtp_server, celery_worker
):
    org = make.org(name="Chi bộ Thôn Tây", code="TT")
    out = cli_ok(env, "members", "invite", "Moi@Chibo.test", "--name", "Đỗ Văn Mới",
                 "--org", org.name, "--role", "committee", "--role", "member",
                 "--position", "Trưởng thôn")  # fmt: skip

    assert out.strip() == messages.MEMBER_INVITED.format(name="Đỗ Văn Mới", email="moi@chibo.test")
    [user] = fresh(db, select(User).where(User.email == "moi@chibo.test"))
    assert user.password_hash is None and user.position == "Trưởng thôn"
    assert sorted(m.role for m in user.memberships) == ["committee", "member"]
    [mail] = wait_for(lambda: smtp_server.messages("invitation"))
    assert "http://chibo.test/moi/" in mail.message.get_body(("plain",)).get_content()

    again = flask_cli(env, "members", "invite", "moi@chibo.test", "--name", "X", "--org",
                      org.name, "--role", "member")  # fmt: skip
    assert again.returncode == 1
    assert messages.MEMBER_ALREADY.format(email="moi@chibo.test", org=org.name) in again.stderr
    assert "Đã thu hồi" in cli_ok(env, "members", "revoke", "moi@chibo.test", "--org", org.name)


def test_members_import_is_all_or_nothing(env, db, make, tmp_path):
    org = make.org(name="Chi bộ Thôn Tây", code="TT")
    bad = tmp_path / "dang-vien.xlsx"
    bad.write_bytes(as_xlsx(with_three_bad_rows(members())))
    good = tmp_path / "dang-vien.csv"
    good.write_bytes(as_csv(members(10)))

    refused = flask_cli(env, "members", "import", org.name, str(bad))
    assert refused.returncode == 1
    assert "Dòng 20:" in refused.stderr and "Dòng 31:" in refused.stderr
    assert not fresh(db, select(User).where(User.email.like("%@tiencuong.test")))

    out = cli_ok(env, "members", "import", org.name, str(good))
    assert out.strip() == messages.SHEET_IMPORTED.format(count=10)
    assert len(fresh(db, select(User).where(User.email.like("%@tiencuong.test")))) == 10
