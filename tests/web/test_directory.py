"""The directory pages (admin) and the "Nơi nhận" picker on the programme page (secretary)."""

import re

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Alias, AuditEvent, DirectoryEntry, Group, Programme
from chibo_flow.models.programmes import State
from tests.web.support import flashes, page_text, transition

VETERANS = "Hội Cựu chiến binh xã"
# A line no group name contains: the secretary has to pick its group once.
UNKNOWN_LINE = "BCH Hội CCB"


def directory_url(world, path: str = "") -> str:
    return f"/admin/directory/{world.org.id}{path}"


def group_named(db, world, name: str) -> Group:
    return db.session.scalar(select(Group).where(Group.org_id == world.org.id, Group.name == name))


def person(db, world, email: str) -> DirectoryEntry | None:
    return db.session.scalar(
        select(DirectoryEntry).where(
            DirectoryEntry.org_id == world.org.id, DirectoryEntry.email == email
        )
    )


# --- directory pages ------------------------------------------------------------------------------


def test_the_admin_lands_on_the_directory_of_their_org(world, browser):
    admin = browser(world.users["admin"])

    response = admin.get("/admin/directory/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(directory_url(world))

    shown = page_text(admin.get(directory_url(world)))
    assert "Thường trực Đảng ủy xã" in shown
    assert "Toàn bộ đảng viên của Chi bộ Trường Mầm non Tiên Cường" in shown
    assert "Phạm Văn Dũng" in shown and "thuongtruc1@chibo.test" in shown
    assert "Thường trực ĐU" in shown  # the learnt alias
    assert "Danh bạ nơi nhận" in page_text(admin.get("/"))  # in the navigation


@pytest.mark.parametrize(
    ("key", "status"), [("secretary", 403), ("committee", 403), ("member", 403), ("outsider", 403)]
)
def test_only_an_admin_of_the_org_sees_its_directory(world, browser, key, status):
    # The outsider is an admin, but of another org.
    assert browser(world.users[key]).get(directory_url(world)).status_code == status


def test_add_edit_and_delete_a_person(db, world, browser):
    admin = browser(world.users["admin"])

    added = admin.post(
        directory_url(world, "/people/new"),
        data={"name": "  Đinh  Văn Tâm ", "email": "Tam@ChiBo.test", "position": "Phó Bí thư"},
        follow_redirects=True,
    )
    assert messages.DIRECTORY_PERSON_SAVED.format(name="Đinh Văn Tâm") in flashes(added)
    assert "Đinh Văn Tâm" in page_text(added) and "tam@chibo.test" in page_text(added)
    entry = person(db, world, "tam@chibo.test")
    assert (entry.name, entry.position) == ("Đinh Văn Tâm", "Phó Bí thư")

    edited = admin.post(
        directory_url(world, f"/people/{entry.id}"),
        data={"name": "Đinh Văn Tâm", "email": "tam2@chibo.test", "position": ""},
        follow_redirects=True,
    )
    assert edited.status_code == 200
    db.session.expire_all()
    assert (entry.email, entry.position) == ("tam2@chibo.test", None)

    deleted = admin.post(directory_url(world, f"/people/{entry.id}/delete"), follow_redirects=True)
    assert messages.DIRECTORY_PERSON_DELETED.format(name="Đinh Văn Tâm") in flashes(deleted)
    assert person(db, world, "tam2@chibo.test") is None


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        (
            "sai-email",
            422,
            messages.DIRECTORY_EMAIL_INVALID.format(email="sai-email"),
        ),
        (
            "thuongtruc1@chibo.test",
            409,
            messages.DIRECTORY_EMAIL_TAKEN.format(
                email="thuongtruc1@chibo.test", org="Chi bộ Trường Mầm non Tiên Cường"
            ),
        ),
    ],
    ids=["invalid", "taken"],
)
def test_a_refused_person_is_explained_and_not_stored(db, world, browser, email, status, message):
    admin = browser(world.users["admin"])
    before = len(list(db.session.scalars(select(DirectoryEntry))))

    response = admin.post(
        directory_url(world, "/people/new"), data={"name": "Ai đó", "email": email}
    )

    assert response.status_code == status
    assert message in flashes(response, "danger")
    db.session.expire_all()
    assert len(list(db.session.scalars(select(DirectoryEntry)))) == before


def test_a_group_of_chosen_people_then_of_the_orgs_members(db, world, browser):
    admin = browser(world.users["admin"])
    leader = person(db, world, "phutrach@chibo.test")
    standing = person(db, world, "thuongtruc1@chibo.test")

    created = admin.post(
        directory_url(world, "/groups/new"),
        data={"name": "Ban Tuyên giáo", "members_of": "0", "people": [leader.id, standing.id]},
        follow_redirects=True,
    )
    assert messages.DIRECTORY_GROUP_SAVED.format(name="Ban Tuyên giáo") in flashes(created)
    group = group_named(db, world, "Ban Tuyên giáo")
    assert sorted(e.email for e in group.entries) == ["phutrach@chibo.test",
                                                      "thuongtruc1@chibo.test"]  # fmt: skip
    assert "2 người: Ngô Văn Phúc, Phạm Văn Dũng" in page_text(created)

    form = page_text(admin.get(directory_url(world, f"/groups/{group.id}")))
    assert "Ngô Văn Phúc <phutrach@chibo.test>" in form

    admin.post(
        directory_url(world, f"/groups/{group.id}"),
        data={"name": "Ban Tuyên giáo", "members_of": str(world.org.id)},
    )
    db.session.expire_all()
    assert group.members_of_org_id == world.org.id and group.entries == []


def test_a_group_cannot_be_both_kinds_nor_take_a_name_already_used(db, world, browser):
    admin = browser(world.users["admin"])
    leader = person(db, world, "phutrach@chibo.test")

    both = admin.post(
        directory_url(world, "/groups/new"),
        data={"name": "Nhóm mới", "members_of": str(world.org.id), "people": [leader.id]},
    )
    assert both.status_code == 422
    assert messages.DIRECTORY_GROUP_BOTH in flashes(both, "danger")

    # The same name without diacritics is the same name.
    taken = admin.post(
        directory_url(world, "/groups/new"),
        data={"name": "thuong truc dang uy xa", "members_of": "0"},
    )
    assert taken.status_code == 409
    assert messages.DIRECTORY_GROUP_TAKEN.format(name="Thường trực Đảng ủy xã") in flashes(taken)
    assert group_named(db, world, "Nhóm mới") is None


def test_a_group_may_not_reach_the_members_of_an_unrelated_org(db, world, browser):
    response = browser(world.users["admin"]).post(
        directory_url(world, "/groups/new"),
        data={"name": "Đảng viên thôn Đông", "members_of": str(world.other_org.id)},
    )

    assert response.status_code == 422  # not one of the offered choices
    assert group_named(db, world, "Đảng viên thôn Đông") is None


def test_aliases_are_added_here_and_go_with_their_group(db, world, browser):
    admin = browser(world.users["admin"])
    leader = group_named(db, world, "Lãnh đạo phụ trách chi bộ")

    added = admin.post(
        directory_url(world, "/aliases"),
        data={"label": "Đ/c phụ trách", "group_id": leader.id},
        follow_redirects=True,
    )
    assert messages.DIRECTORY_ALIAS_SAVED.format(
        label="Đ/c phụ trách", group="Lãnh đạo phụ trách chi bộ"
    ) in flashes(added)
    assert {a.label for a in leader.aliases} == {"Đ/c phụ trách"}

    admin.post(directory_url(world, f"/groups/{leader.id}/delete"))
    db.session.expire_all()
    assert group_named(db, world, "Lãnh đạo phụ trách chi bộ") is None
    assert db.session.scalar(select(Alias).where(Alias.label == "Đ/c phụ trách")) is None
    # The people stay in the directory.
    assert person(db, world, "phutrach@chibo.test") is not None


def test_rows_of_another_org_are_not_found(db, world, browser, make):
    other_group = Group(org_id=world.other_org.id, name="Chi ủy thôn Đông")
    db.session.add(other_group)
    db.session.commit()
    outsider = browser(world.users["outsider"])  # admin of the other org only

    assert outsider.get(f"/admin/directory/{world.other_org.id}").status_code == 200
    response = outsider.post(
        f"/admin/directory/{world.other_org.id}/groups/"
        f"{group_named(db, world, 'Thường trực Đảng ủy xã').id}/delete"
    )
    assert response.status_code == 404
    assert group_named(db, world, "Thường trực Đảng ủy xã") is not None


# --- the picker on the programme page ------------------------------------------------------------


@pytest.fixture
def veterans(db, world) -> Group:
    """A group the seed's lines do not name: "BCH Hội CCB" does not match it by itself."""
    group = Group(org_id=world.org.id, name=VETERANS)
    group.entries = [DirectoryEntry(org_id=world.org.id, name="Trịnh Văn Hùng",
                                    email="ccb@chibo.test")]  # fmt: skip
    db.session.add(group)
    db.session.commit()
    return group


def with_line(seed_text: str, line: str) -> str:
    """The seed with one more "Nơi nhận" line before "Lưu"."""
    return seed_text.replace("- Lưu. CB.", f"- {line} (ph/h);\n- Lưu. CB.")


def picker(response) -> str | None:
    """The picker's <select> for UNKNOWN_LINE on a page, if there is one."""
    match = re.search(
        r'<input type="hidden" name="label" value="BCH Hội CCB">.*?(<select.*?</select>)',
        response.get_data(as_text=True),
        re.S,
    )
    return match.group(1) if match else None


def test_an_unresolved_line_is_picked_once_and_resolves_from_then_on(
    db, world, browser, make, seed_text, veterans
):
    secretary = browser(world.users["secretary"])
    programme = make.programme(world.org, world.users["secretary"],
                               with_line(seed_text, UNKNOWN_LINE))  # fmt: skip

    refused = transition(secretary, programme.id, "submit", programme.version)
    assert messages.UNRESOLVED_RECIPIENTS.format(lines=UNKNOWN_LINE) in flashes(refused, "danger")
    assert programme.state == State.DRAFT

    page = secretary.get(f"/programmes/{programme.id}")
    assert "Chưa xác định được người nhận cho dòng này" in page_text(page)
    select_html = picker(page)
    assert select_html and f'<option value="{veterans.id}">{VETERANS}</option>' in select_html

    picked = secretary.post(
        f"/programmes/{programme.id}/recipients",
        data={"label": UNKNOWN_LINE, "group_id": veterans.id},
        follow_redirects=True,
    )
    assert messages.RECIPIENT_MAPPED.format(label=UNKNOWN_LINE, group=VETERANS) in flashes(picked)
    assert "BCH Hội CCB (để phối hợp) Gửi tới 1 người: Trịnh Văn Hùng" in page_text(picked)
    assert picker(picked) is None
    alias = db.session.scalar(select(Alias).where(Alias.label == UNKNOWN_LINE))
    assert (alias.org_id, alias.group_id) == (world.org.id, veterans.id)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.programme_id == programme.id, AuditEvent.action == "map_recipient"
        )
    )
    assert event.actor_id == world.users["secretary"].id
    assert event.data == {"label": UNKNOWN_LINE, "group_id": veterans.id, "group": VETERANS}
    assert "Chọn nhóm cho dòng Nơi nhận" in page_text(picked)  # in the history

    db.session.expire_all()
    submitted = transition(secretary, programme.id, "submit", programme.version)
    assert messages.ACTION_DONE["submit"] in flashes(submitted, "success")

    # The next programme writing the line the same way resolves without picking.
    second = make.programme(world.org, world.users["secretary"],
                            with_line(seed_text, "BCH hội CCB"))  # fmt: skip
    page = secretary.get(f"/programmes/{second.id}")
    assert "BCH hội CCB (để phối hợp) Gửi tới 1 người: Trịnh Văn Hùng" in page_text(page)
    assert "<select" not in page.get_data(as_text=True)
    transition(secretary, second.id, "submit", second.version)
    db.session.expire_all()
    assert db.session.get(Programme, second.id).state == State.REVIEW


def test_an_ambiguous_line_offers_its_candidates_first(db, world, browser, make, seed_text):
    for name in ("Chi ủy chi bộ", "Chi ủy viên chi bộ"):
        group = Group(org_id=world.org.id, name=name)
        group.entries = [person(db, world, "phutrach@chibo.test")]
        db.session.add(group)
    db.session.commit()
    programme = make.programme(world.org, world.users["secretary"],
                               with_line(seed_text, "Chi ủy"))  # fmt: skip

    page = browser(world.users["secretary"]).get(f"/programmes/{programme.id}")

    shown = page_text(page)
    assert "Dòng này khớp với nhiều nhóm: Chi ủy chi bộ; Chi ủy viên chi bộ." in shown
    body = page.get_data(as_text=True)
    suggested = re.search(r'<optgroup label="Gợi ý">(.*?)</optgroup>', body, re.S).group(1)
    assert re.findall(r">([^<]+)</option>", suggested) == ["Chi ủy chi bộ", "Chi ủy viên chi bộ"]


@pytest.mark.parametrize("key", ["committee", "admin"])
def test_only_the_secretary_may_pick(db, world, browser, make, seed_text, veterans, key):
    programme = make.programme(world.org, world.users["secretary"],
                               with_line(seed_text, UNKNOWN_LINE))  # fmt: skip
    transition_page = browser(world.users[key]).get(f"/programmes/{programme.id}")
    assert picker(transition_page) is None

    response = browser(world.users[key]).post(
        f"/programmes/{programme.id}/recipients",
        data={"label": UNKNOWN_LINE, "group_id": veterans.id},
    )

    assert response.status_code == 403
    assert db.session.scalar(select(Alias).where(Alias.label == UNKNOWN_LINE)) is None


def test_picking_for_a_line_the_programme_does_not_have_is_refused(db, world, browser, veterans):
    response = browser(world.users["secretary"]).post(
        f"/programmes/{world.programme.id}/recipients",
        data={"label": "Ban Tuyên giáo", "group_id": veterans.id},
        follow_redirects=True,
    )

    assert messages.RECIPIENT_LINE_UNKNOWN.format(label="Ban Tuyên giáo") in flashes(response)
    assert db.session.scalar(select(Alias).where(Alias.label == "Ban Tuyên giáo")) is None


def test_the_edit_preview_shows_whom_each_line_reaches_and_what_is_missing(
    world, browser, seed_text, veterans
):
    secretary = browser(world.users["secretary"])
    programme = world.programme

    preview = secretary.post(
        f"/programmes/{programme.id}/edit",
        data={
            "text": with_line(seed_text, UNKNOWN_LINE),
            "version": programme.version,
            "preview": "Xem trước",
        },  # fmt: skip
    )

    shown = page_text(preview)
    assert "Thường trực ĐU (để báo cáo) Gửi tới 1 người: Phạm Văn Dũng" in shown
    assert "Lưu. CB Lưu hồ sơ, không gửi thư." in shown
    assert "BCH Hội CCB (để phối hợp) Chưa xác định được người nhận cho dòng này" in shown
