"""The word-level diff keeps Vietnamese words whole and says what changed per section."""

import unicodedata

import pytest

from chibo_flow.documents.parse import parse_text
from chibo_flow.review.diff import Change, Op, Segment, diff_documents, diff_text, paragraphs


def ops(segments: list[Segment]) -> list[tuple[str, str]]:
    return [(segment.op.value, segment.text) for segment in segments]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A changed diacritic replaces the whole word, never a letter inside it.
        (
            "tích cực học tập",
            "tích cực học tấp",
            [("equal", "tích cực học "), ("delete", "tập"), ("insert", "tấp")],
        ),
        (
            "Đảng viên",
            "Đảng viên ưu tú",
            [("equal", "Đảng viên"), ("insert", " ưu tú")],
        ),
        # Punctuation is its own token: the words around it stay equal.
        (
            "học tập, nâng cao",
            "học tập và nâng cao",
            [("equal", "học tập"), ("delete", ","), ("insert", " và"), ("equal", " nâng cao")],
        ),
        # Spaces between two changes join them: one deletion, one insertion.
        (
            "giới thiệu đoàn viên ưu tú",
            "giới thiệu quần chúng tích cực ưu tú",
            [
                ("equal", "giới thiệu "),
                ("delete", "đoàn viên"),
                ("insert", "quần chúng tích cực"),
                ("equal", " ưu tú"),
            ],
        ),
    ],
)
def test_words_are_compared_whole(old, new, expected):
    assert ops(diff_text(old, new)) == expected


def test_decomposed_text_equals_its_composed_form():
    composed = "Nghị quyết Đại hội chi bộ"
    decomposed = unicodedata.normalize("NFD", composed)

    assert ops(diff_text(composed, decomposed)) == [("equal", composed)]


def test_paragraph_breaks_split_the_diff_into_paragraphs():
    segments = diff_text("Đoạn một.\nĐoạn hai.", "Đoạn một.\nĐoạn hai mới.\nĐoạn ba.")

    assert [ops(paragraph) for paragraph in paragraphs(segments)] == [
        [("equal", "Đoạn một.")],
        [("equal", "Đoạn hai"), ("insert", " mới"), ("equal", ".")],
        [("insert", "Đoạn ba.")],
    ]


def test_sections_added_removed_changed_and_renamed_by_heading(seed_text):
    old = parse_text(seed_text).to_dict()
    edited = (
        seed_text.replace(
            "Đảm bảo 100% CBĐV trong chi bộ", "Đảm bảo 100% cán bộ, đảng viên trong chi bộ"
        )
        .replace("4. Công tác xây dựng Đảng\n", "4. Công tác xây dựng Đảng và đoàn thể\n")
        .replace(
            "III. Một số chỉ tiêu",
            "5. Công tác kiểm tra\n\nKiểm tra định kỳ mỗi quý.\n\nIII. Một số chỉ tiêu",
        )
    )
    new = parse_text(edited).to_dict()

    diff = diff_documents(old, new)

    assert diff.summary() == [
        "II. Nhiệm vụ trọng tâm › 1. Công tác chính trị tư tưởng: có sửa đổi (thêm 4 từ, bỏ 1 từ)",
        "II. Nhiệm vụ trọng tâm › 4. Công tác xây dựng Đảng và đoàn thể: có sửa đổi (thêm 3 từ)",
        "II. Nhiệm vụ trọng tâm › 5. Công tác kiểm tra: mục mới",
    ]
    renamed = diff.changed[1]
    assert ops(renamed.heading) == [
        ("equal", "4. Công tác xây dựng Đảng"),
        ("insert", " và đoàn thể"),
    ]
    assert diff_documents(new, old).changed[2].change == Change.REMOVED
    assert all(s.change == Change.UNCHANGED for s in diff_documents(old, old).sections)


def test_title_recipients_and_signature_are_compared_too(seed_text):
    old = parse_text(seed_text).to_dict()
    new = parse_text(
        seed_text.replace("- Lưu. CB.", "- Ban Tuyên giáo (để biết);\n- Lưu. CB.").replace(
            "Vũ Thị Xuyên", "Vũ Thị Xuyến"
        )
    ).to_dict()

    assert diff_documents(old, new).summary() == [
        "Nơi nhận: có sửa đổi (thêm 5 từ)",
        "Chữ ký: có sửa đổi (thêm 1 từ, bỏ 1 từ)",
    ]
    assert Op.INSERT in {s.op for p in diff_documents(old, new).changed[0].body for s in p}
