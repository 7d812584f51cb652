"""Every string shown to users, in Vietnamese, in one place.

Templates hold page text; this module holds what code says to people: flashed messages,
form errors and API error messages.
"""

# --- auth -------------------------------------------------------------------------------------
LOGIN_FAILED = "Email hoặc mật khẩu không đúng."
LOGIN_REQUIRED = "Vui lòng đăng nhập để tiếp tục."
SESSION_EXPIRED = "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."
LOGGED_OUT = "Đã đăng xuất."
TOKEN_INVALID = "Mã truy cập (token) không hợp lệ hoặc đã bị thu hồi."

# --- generic errors ---------------------------------------------------------------------------
NOT_FOUND = "Không tìm thấy trang hoặc tài liệu được yêu cầu."
FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
BAD_REQUEST = "Yêu cầu không hợp lệ."
CSRF_FAILED = "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại."
TOO_LARGE = "Tệp quá lớn (tối đa 5 MB)."
SERVER_ERROR = "Đã có lỗi hệ thống. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại sau."

# --- workflow ---------------------------------------------------------------------------------
STALE_VERSION = (
    "Chương trình đã được người khác thay đổi trong lúc bạn thao tác. "
    "Vui lòng tải lại trang để xem bản mới nhất."
)
TRANSITION_NOT_ALLOWED = "Không thể thực hiện thao tác này ở trạng thái hiện tại."
COMMENT_REQUIRED = "Vui lòng nêu lý do khi yêu cầu chỉnh sửa."
SELF_APPROVAL = "Người trình không thể tự duyệt chương trình của mình."
ALREADY_VOTED = "Bạn đã duyệt phiên bản này rồi."
NOT_EDITABLE = "Chỉ có thể sửa chương trình ở trạng thái dự thảo."
UNRESOLVED_RECIPIENTS = "Chưa xác định được người nhận cho dòng Nơi nhận: {lines}."
NO_RECIPIENTS = "Văn bản chưa có mục “Nơi nhận”."
EMPTY_DOCUMENT = "Văn bản trống. Vui lòng nhập hoặc tải lên nội dung chương trình."
NO_SECTIONS = "Không tìm thấy nội dung chính (các mục I, II, ...) trong văn bản."

ACTION_DONE = {
    "edit": "Đã lưu dự thảo.",
    "submit": "Đã trình cấp ủy duyệt.",
    "approve": "Đã ghi nhận ý kiến đồng ý.",
    "request_changes": "Đã gửi yêu cầu chỉnh sửa về người soạn.",
    "withdraw": "Đã rút lại để chỉnh sửa.",
}
PROGRAMME_APPROVED = "Chương trình đã được thông qua và gửi tới nơi nhận."
PROGRAMME_CREATED = "Đã tạo dự thảo mới."

# --- documents (parse / import) ---------------------------------------------------------------
# Owned by chibo_flow/documents; add new document messages in this block.
FILE_EMPTY = "Tệp rỗng: không có nội dung. Vui lòng chọn đúng tệp văn bản (.docx hoặc .txt)."
FILE_TOO_LARGE = "Tệp lớn hơn 5 MB. Vui lòng lưu văn bản thành tệp .docx hoặc .txt nhỏ hơn."
FILE_NOT_DOCUMENT = (
    "Tệp không phải văn bản Word (.docx) hay văn bản thuần (.txt). "
    "Vui lòng mở tệp trong Word và lưu lại dưới dạng .docx."
)
FILE_LEGACY_DOC = (
    "Tệp .doc (Word 97-2003) chưa được hỗ trợ. Vui lòng mở tệp trong Word và chọn "
    "“Lưu thành” → “Word Document (.docx)”."
)
FILE_ENCRYPTED = "Tệp được đặt mật khẩu. Vui lòng gỡ mật khẩu trong Word rồi tải lên lại."
FILE_ZIP_BOMB = "Tệp .docx có kích thước giải nén bất thường nên đã bị từ chối vì an toàn."
FILE_BAD_ENCODING = (
    "Không đọc được bảng mã của tệp văn bản. Vui lòng lưu tệp với bảng mã UTF-8."
)

# Parser warnings: shown beside the imported text so the secretary can fix it.
WARN_HEADER_LINE = (
    "Dòng này đứng trước tên loại văn bản nhưng không thuộc phần đầu văn bản "
    "(tên cơ quan, số, ngày tháng); đã giữ lại thành đoạn mở đầu."
)
WARN_ORG_LINES = (
    "Tên cơ quan ban hành có hơn hai dòng; các dòng trên được ghép thành tên cơ quan cấp trên."
)
WARN_DATE = "Ngày tháng không đúng hoặc chưa đầy đủ; chưa ghi nhận ngày ban hành."
WARN_NO_DOC_TYPE = (
    "Không tìm thấy tên loại văn bản (CHƯƠNG TRÌNH, KẾ HOẠCH, NGHỊ QUYẾT, ...) "
    "hoặc trích yếu “V/v ...”."
)
WARN_NO_SECTIONS = (
    "Không nhận ra các mục đánh số (I, II, 1, 2, ...); "
    "toàn bộ nội dung được đưa vào một mục không có tiêu đề."
)
WARN_RECIPIENT = (
    "Không nhận ra mục đích gửi trong ngoặc (b/c, t/h, ph/h, để biết); "
    "dòng được giữ nguyên làm tên nơi nhận, chưa gán mục đích."
)
WARN_AFTER_SIGNATURE = "Nội dung nằm sau chữ ký; đã đưa vào cuối phần nội dung."
WARN_EXTRA_SIGNATURE = (
    "Văn bản có thêm một khối chữ ký; chỉ khối chữ ký đầu tiên được ghi nhận."
)

# ProgrammeDoc sent as JSON (API, edit form) with a wrong shape.
DOC_FIELD_MISSING = "Dữ liệu văn bản không hợp lệ: thiếu trường “{path}”."
DOC_FIELD_UNKNOWN = "Dữ liệu văn bản không hợp lệ: không có trường “{path}”."
DOC_FIELD_TYPE = "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là {expected}."
DOC_FIELD_DATE = (
    "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là ngày dạng YYYY-MM-DD."
)
DOC_FIELD_PURPOSE = (
    "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là một trong {choices}."
)
DOC_TOO_DEEP = "Dữ liệu văn bản không hợp lệ: các mục lồng nhau quá {limit} cấp."

# --- web --------------------------------------------------------------------------------------
# Owned by the web UI (chibo_flow/programmes, chibo_flow/admin, templates/).
STATE_LABELS = {"draft": "Dự thảo", "review": "Đang trình duyệt", "approved": "Đã thông qua"}
HISTORY_LABELS = {
    "create": "Tạo dự thảo",
    "edit": "Sửa dự thảo",
    "submit": "Trình duyệt",
    "approve": "Đồng ý",
    "request_changes": "Yêu cầu chỉnh sửa",
    "withdraw": "Rút lại",
}
DELIVERY_STATUS_LABELS = {
    "pending": "Chờ gửi",
    "sending": "Đang gửi",
    "sent": "Đã gửi",
    "failed": "Gửi không thành công",
}
EDIT_TEXT_KEPT = (
    "Nội dung bạn vừa nhập vẫn được giữ nguyên bên dưới. Hãy đối chiếu với bản đang lưu, "
    "rồi bấm “Lưu” lần nữa nếu muốn ghi đè."
)
PREVIEW_NOT_SAVED = "Đây là bản xem trước, chưa được lưu."
CHOOSE_ORG = "Vui lòng chọn chi bộ."

# --- api --------------------------------------------------------------------------------------
# Owned by the JSON API (chibo_flow/api).
API_TOKEN_MISSING = (
    "Thiếu mã truy cập. Vui lòng gửi kèm tiêu đề “Authorization: Bearer <token>” "
    "(lấy token bằng lệnh “flask users token EMAIL”)."
)
API_INVALID_FIELDS = "Dữ liệu gửi lên không hợp lệ ở trường: {fields}."
API_INVALID_BODY = "Dữ liệu gửi lên không hợp lệ."
API_TEXT_OR_DOC = (
    "Vui lòng gửi nội dung văn bản trong đúng một trường: “text” (văn bản thuần) "
    "hoặc “doc” (văn bản có cấu trúc)."
)
API_UNKNOWN_ACTION = (
    "Thao tác không hợp lệ. Các thao tác: submit, approve, request_changes, withdraw "
    "(sửa nội dung dùng PATCH)."
)
API_ORG_UNKNOWN = "Bạn không thuộc tổ chức “{org}”."
API_ORG_AMBIGUOUS = (
    "Bạn là bí thư của nhiều tổ chức; vui lòng ghi rõ tổ chức trong trường “org”."
)
API_NOT_RENDERED = (
    "Bản chính thức (PDF/DOCX) của chương trình này chưa được tạo. "
    "Bản chính thức được tạo sau khi chương trình được thông qua."
)
