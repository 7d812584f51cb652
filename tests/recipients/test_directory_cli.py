"""`flask --app wsgi directory ...`: the directory an operator builds from the command line."""

import json

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Alias, Group
from chibo_flow.models.users import Role
from chibo_flow.recipients import resolve_line
from tests.support import run_cli

ORG = "Chi bộ Trường Mầm non Tiên Cường"
STANDING = "Thường trực Đảng ủy xã"


def test_build_a_directory_from_the_command_line(app, db, make):
    org = make.org(name=ORG)
    secretary = make.user(Role.SECRETARY, org, email="bithu@chibo.test", name="Vũ Thị Xuyên")

    for args, said in (
        (("Phạm Văn Dũng", "thuongtruc1@chibo.test", "--position", "Bí thư"),
         "Đã thêm Phạm Văn Dũng <thuongtruc1@chibo.test>"),
        (("Hoàng Thị Hạnh", "THUONGTRUC2@chibo.test"),
         "Đã thêm Hoàng Thị Hạnh <thuongtruc2@chibo.test>"),
    ):  # fmt: skip
        result = run_cli(app, "directory", "add-person", ORG, *args)
        assert result.returncode == 0, result.stderr
        assert said in result.stdout

    group = run_cli(
        app, "directory", "add-group", ORG, STANDING,
        "--person", "thuongtruc1@chibo.test", "--person", "thuongtruc2@chibo.test",
    )  # fmt: skip
    assert group.returncode == 0, group.stderr
    assert f"Đã thêm nhóm “{STANDING}” (2 người)" in group.stdout
    members = run_cli(app, "directory", "add-group", ORG, "Cán bộ, đảng viên chi bộ",
                        "--members-of", ORG)  # fmt: skip
    assert members.returncode == 0, members.stderr
    alias = run_cli(app, "directory", "alias", ORG, "Ban TT", STANDING.lower())
    assert alias.returncode == 0, alias.stderr
    assert f"Đã ghi nhận: “Ban TT” là nhóm “{STANDING}”" in alias.stdout

    listed = run_cli(app, "directory", "list", ORG, "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["org"] == ORG
    assert [(p["name"], p["email"], p["position"]) for p in data["people"]] == [
        ("Hoàng Thị Hạnh", "thuongtruc2@chibo.test", None),
        ("Phạm Văn Dũng", "thuongtruc1@chibo.test", "Bí thư"),
    ]
    groups = {g["name"]: g for g in data["groups"]}
    assert groups["Cán bộ, đảng viên chi bộ"]["members"] == [
        {"name": "Vũ Thị Xuyên", "email": secretary.email}
    ]
    assert groups[STANDING]["aliases"] == ["Ban TT"]
    assert [(a["label"], a["group"]) for a in data["aliases"]] == [("Ban TT", STANDING)]

    # What the commands stored is what the resolver uses.
    db.session.expire_all()
    assert {p.email for p in resolve_line(org, "ban tt", "bao_cao").people} == {
        "thuongtruc1@chibo.test",
        "thuongtruc2@chibo.test",
    }
    text = run_cli(app, "directory", "list", ORG)
    assert "nhóm\tThường trực Đảng ủy xã\tthuongtruc2@chibo.test, thuongtruc1@chibo.test" in (
        text.stdout
    )


def test_refusals_exit_1_with_a_vietnamese_message_and_change_nothing(app, db, make):
    org = make.org(name=ORG)
    assert run_cli(app, "directory", "add-person", ORG, "An", "an@chibo.test").returncode == 0

    cases = [
        (("add-person", ORG, "An", "AN@chibo.test"),
         messages.DIRECTORY_EMAIL_TAKEN.format(email="an@chibo.test", org=ORG)),
        (("add-person", ORG, "Bình", "binh-chibo.test"),
         messages.DIRECTORY_EMAIL_INVALID.format(email="binh-chibo.test")),
        (("add-group", ORG, "Chi ủy", "--person", "ai@chibo.test"),
         messages.DIRECTORY_PERSON_UNKNOWN.format(org=ORG, email="ai@chibo.test")),
        (("alias", ORG, "Chi ủy", "Chi ủy chi bộ"),
         messages.DIRECTORY_GROUP_UNKNOWN.format(org=ORG, name="Chi ủy chi bộ")),
        (("list", "Chi bộ Không Có"), "Không tìm thấy tổ chức: Chi bộ Không Có"),
    ]  # fmt: skip
    for args, message in cases:
        result = run_cli(app, "directory", *args)
        assert result.returncode == 1, (args, result.stdout)
        assert message in result.stderr, (args, result.stderr)

    db.session.expire_all()
    assert db.session.scalars(select(Group).where(Group.org_id == org.id)).all() == []
    assert db.session.scalars(select(Alias)).all() == []
