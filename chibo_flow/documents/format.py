"""The Party document format as data (Hướng dẫn 36-HD/VPTW; Quy định 399-QĐ/TW).

When the format guidance changes, this module changes; parser, numbering and renderer read it.
"""

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Document type (as written on the document) → the abbreviation used in its số ký hiệu.
DOC_TYPE_CODES: dict[str, str] = {
    "CHƯƠNG TRÌNH": "CTr",
    "KẾ HOẠCH": "KH",
    "NGHỊ QUYẾT": "NQ",
    "BÁO CÁO": "BC",
    "QUYẾT ĐỊNH": "QĐ",
    "CÔNG VĂN": "CV",
    "KẾT LUẬN": "KL",
    "HƯỚNG DẪN": "HD",
    "THÔNG BÁO": "TB",
    "TỜ TRÌNH": "TTr",
}

# "Số {seq:02d}-{type code}/{org code}", e.g. "01-CTr/CB"; shown after "Số ".
NUMBER_PATTERN = "{seq:02d}-{type_code}/{org_code}"
NUMBER_PREFIX = "Số "
