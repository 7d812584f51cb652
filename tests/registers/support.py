"""Shared by the register tests: a Đảng bộ xã in the system with two chi bộ under it, whose
"Thường trực ĐU" line stands for the Đảng bộ (liên thông), an unrelated org, and approving
through the workflow."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from chibo_flow.models import DirectoryEntry, Group, Org, Programme, User
from chibo_flow.models.users import Role
from chibo_flow.recipients import learn_alias
from chibo_flow.workflow import apply_transition

PARENT = "Đảng bộ xã Tiên Cường"
CELLS = ("Chi bộ Trường Mầm non Tiên Cường", "Chi bộ Thôn Đông")
UNRELATED = "Chi bộ Thôn Bắc"

DOC = """ĐẢNG BỘ XÃ TIÊN CƯỜNG
{org}
*
Tiên Cường, ngày 10 tháng 01 năm 2026

CHƯƠNG TRÌNH
{title}

I. Mục đích yêu cầu

Nội dung.

Nơi nhận:
- Thường trực ĐU (b/c);
- Chi ủy (để biết);
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

{signer}
"""


@dataclass
class Liên:
    """The parent org and its people, the chi bộ under it with theirs, an unrelated org."""

    parent: Org
    cells: list[Org]
    unrelated: Org
    people: dict[str, User]
    make: Any  # the suite's builders

    def approve(self, cell: int, title: str) -> Programme:
        """A programme of cell `cell` titled `title`, submitted and approved by its committee."""
        org = self.cells[cell]
        secretary, voter = self.people[f"secretary{cell}"], self.people[f"committee{cell}"]
        programme = self.make.programme(org, secretary, DOC.format(
            org=org.name.upper(), title=title, signer=secretary.name))  # fmt: skip
        apply_transition(programme, "submit", secretary, version=programme.version)
        return apply_transition(programme, "approve", voter, version=programme.version)


def build_lien(make, db) -> Liên:
    """PARENT (Văn phòng secretary, a Thường trực committee member, a plain member) over the
    CELLS (a secretary and a committee member each; one approval suffices), and UNRELATED."""
    parent = make.org(PARENT, code="ĐU", approvals=1)
    parent.term_start = date(2020, 10, 1)
    people = {
        "vanphong": make.user(Role.SECRETARY, parent, name="Văn phòng Đảng ủy"),
        "thuongtruc": make.user(Role.COMMITTEE, parent, name="Phạm Văn Dũng"),
        "parent_member": make.user(Role.MEMBER, parent, name="Hoàng Thị Hạnh"),
    }
    cells = []
    for index, name in enumerate(CELLS):
        org = make.org(name, code="CB", approvals=1, parent=parent)
        org.term_start = date(2022, 1, 1)
        people[f"secretary{index}"] = make.user(Role.SECRETARY, org, name="Vũ Thị Xuyên")
        people[f"committee{index}"] = make.user(Role.COMMITTEE, org, name="Nguyễn Văn An")
        standing = Group(org_id=org.id, name="Thường trực Đảng ủy xã", receiving_org_id=parent.id)
        standing.entries = [DirectoryEntry(org_id=org.id, name="Phạm Văn Dũng",
                                           email=people["thuongtruc"].email)]  # fmt: skip
        committee = Group(org_id=org.id, name="Chi ủy chi bộ")
        committee.entries = [DirectoryEntry(org_id=org.id, name="Chi ủy", email=f"cu{index}@x.vn")]
        db.session.add_all([standing, committee])
        db.session.flush()
        learn_alias(org, "Thường trực ĐU", standing)
        learn_alias(org, "Chi ủy", committee)
        cells.append(org)
    unrelated = make.org(UNRELATED, code="CB", approvals=1)
    people["unrelated"] = make.user(Role.SECRETARY, unrelated, name="Lý Văn Khoa")
    db.session.commit()
    return Liên(parent, cells, unrelated, people, make)
