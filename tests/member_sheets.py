"""A real-looking members' list as a Văn phòng keeps it (title, STT column, Vietnamese headings)
for the import tests, as .xlsx or .csv."""

import csv
import io

import openpyxl

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Đức", "Thị Hạnh"]
POSITIONS = ["Trưởng thôn", "Giáo viên", "Kế toán", "Cán bộ hưu trí", "", "Chi hội trưởng"]


def members(count: int = 60) -> list[list[str]]:
    """`count` members: the first is the bí thư, the next three the cấp ủy, the rest đảng viên."""
    rows = []
    for n in range(count):
        role = "Bí thư" if n == 0 else "Cấp ủy viên" if n < 4 else "Đảng viên"
        if n == 5:
            role = "Đảng viên, quản trị"
        name = f"{SURNAMES[n % 10]} {GIVEN[n % 6]} {n + 1}"
        rows.append([name, f"dangvien{n + 1:02d}@tiencuong.test", POSITIONS[n % 6], role])
    return rows


def as_xlsx(rows: list[list[str]]) -> bytes:
    """The rows under a title and a heading with STT, as the office's spreadsheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN TÂY"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Email", "Chức vụ", "Vai trò"])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_csv(rows: list[list[str]]) -> bytes:
    """The rows as a CSV saved by Excel (UTF-8 with BOM, ";" separated)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Họ tên", "Email", "Chức vụ", "Vai trò"])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def with_three_bad_rows(rows: list[list[str]]) -> list[list[str]]:
    """The same list with a duplicate email (row 20), an unknown role (row 31), a bad address
    (row 52) — spreadsheet rows, counting the title, the blank line and the heading."""
    bad = [list(r) for r in rows]
    bad[16][1] = bad[2][1]  # sheet row 20 repeats row 6's email
    bad[27][3] = "Thủ quỹ"
    bad[48][1] = "dangvien49@tiencuong"
    return bad
