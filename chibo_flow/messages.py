"""Every string shown to users, in Vietnamese, in one place.

Templates hold page text; this module holds what code says to people: flashed messages,
form errors and API error messages.
"""

# --- auth -------------------------------------------------------------------------------------
LOGIN_FAILED = "Email hoặc mật khẩu không đúng."
LOGIN_REQUIRED = "Vui lòng đăng nhập để tiếp tục."
SESSION_EXPIRED = (
    "Phiên làm việc đã hết hạn do đồng chí không thao tác trong thời gian quy định. "
    "Vui lòng đăng nhập lại."
)
SESSION_CLOSED = "Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại."
LOGGED_OUT = "Đã đăng xuất."
TOKEN_INVALID = "Mã truy cập (token) không hợp lệ, đã hết hạn hoặc đã bị thu hồi."
TOO_MANY_REQUESTS = (
    "Đồng chí thao tác quá nhiều lần trong thời gian ngắn. Vui lòng chờ một phút rồi thử lại."
)
PASSWORD_TOO_SHORT = "Mật khẩu cần ít nhất {min} ký tự (nên dùng một câu dễ nhớ)."
PASSWORD_TOO_LONG = "Mật khẩu dài quá {max} ký tự."
PASSWORD_TOO_COMMON = (
    "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán. "
    "Đồng chí vui lòng chọn mật khẩu khác."
)
PASSWORDS_DIFFER = "Hai lần nhập mật khẩu mới không giống nhau."
PASSWORD_CHANGED = "Đã đổi mật khẩu. Các phiên đăng nhập khác của đồng chí đã được kết thúc."
REAUTH_FAILED = "Mật khẩu hiện tại hoặc mã xác thực không đúng."
OTP_FAILED = (
    "Mã xác thực không đúng hoặc đã được dùng. Đồng chí vui lòng nhập mã mới trên ứng dụng."
)
OTP_PENDING_EXPIRED = "Đã quá thời gian nhập mã xác thực. Đồng chí vui lòng đăng nhập lại."
OTP_TRIES_PAUSED = (
    "Mã xác thực đã bị nhập sai nhiều lần: tài khoản tạm ngừng đăng nhập {minutes} phút."
    " Đồng chí vui lòng đăng nhập lại sau."
)
OTP_ENROLLED = "Đã bật xác thực hai lớp. Đồng chí hãy cất giữ các mã dự phòng dưới đây."
OTP_RESET_DONE = (
    "Đã xóa xác thực hai lớp của đồng chí {name}; lần đăng nhập tới đồng chí ấy sẽ đăng ký lại."
)
RECOVERY_CODE_USED = "Đã dùng một mã dự phòng; còn {left} mã."
FACTOR_LOCKED = (
    "Tài khoản của đồng chí đã bị khóa vì mã xác thực hai lớp bị nhập sai quá nhiều lần liên tiếp"
    " (có thể ai đó đã biết mật khẩu). Để mở khóa, đồng chí bấm “Quên mật khẩu?” để nhận qua"
    " email đường dẫn đặt mật khẩu mới, hoặc đề nghị quản trị hệ thống mở khóa."
)
RESET_REQUESTED = (
    "Nếu email này có trong hệ thống, đồng chí sẽ nhận được thư có đường dẫn đặt lại mật khẩu "
    "(dùng được một lần, trong 1 giờ)."
)
RESET_LINK_INVALID = "Đường dẫn đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng."
RESET_DONE = "Đã đặt mật khẩu mới. Đồng chí vui lòng đăng nhập."
INVITATION_LINK_INVALID = (
    "Đường dẫn mời không hợp lệ, đã hết hạn, đã bị thu hồi hoặc đã được dùng. Đồng chí đề nghị"
    " quản trị viên gửi lại lời mời."
)
INVITATION_DONE = "Đã đặt mật khẩu. Chào mừng đồng chí đến với Chi bộ Flow."
SESSION_ENDED = "Đã kết thúc phiên đăng nhập."
ACCOUNT_ELSEWHERE = (
    "Đồng chí này còn sinh hoạt ở tổ chức mà đồng chí không quản trị; xác thực hai lớp và phiên "
    "đăng nhập của đồng chí ấy do quản trị các tổ chức ấy xử lý."
)
MEMBER_SESSIONS_ENDED = "Đã kết thúc {count} phiên đăng nhập của đồng chí {name}."
MEMBER_UNLOCKED = "Đã mở khóa tài khoản của đồng chí {name}."
TOKEN_CREATED = "Đã tạo mã truy cập. Đồng chí hãy chép lại ngay: mã chỉ hiện một lần."
TOKEN_REVOKED = "Đã thu hồi mã truy cập."
EMAIL_CHANGED = "Đã đổi email đăng nhập."
EMAIL_CHANGE_SENT = (
    "Đã gửi thư tới {email}. Đồng chí mở đường dẫn trong thư (khi đang đăng nhập) để hoàn tất "
    "việc đổi email; đến lúc đó email đăng nhập vẫn giữ nguyên."
)
EMAIL_CHANGE_LINK_INVALID = (
    "Đường dẫn đổi email không còn hiệu lực (đã dùng, đã hết hạn, không phải của tài khoản "
    "đang đăng nhập, hoặc địa chỉ đã có người dùng). Đồng chí vui lòng yêu cầu lại."
)
EMAIL_TAKEN = "Email này đã được một tài khoản khác sử dụng."
EMAIL_INVALID = "Email không hợp lệ."
FIELD_TOO_LONG = "Quá dài: tối đa %(max)d ký tự."  # wtforms fills in %(max)d
TOKEN_DAYS_RANGE = "Số ngày hiệu lực từ 1 đến 365."
DEMO_INCOMING_HINT = (
    "Khi chương trình được thông qua, đăng nhập {email} ({name}, {org}) để xem mục “Văn bản "
    "đến” và “Sổ văn bản” › “Sổ văn bản đến” của {org}."
)
DEMO_OTP_HINT = (
    "Bí thư, cấp ủy viên và quản trị đăng nhập với mã xác thực hai lớp; khi chạy thử, lấy mã "
    "bằng lệnh: .venv/bin/flask --app wsgi users otp EMAIL"
)

# --- generic errors ---------------------------------------------------------------------------
NOT_FOUND = "Không tìm thấy trang hoặc tài liệu được yêu cầu."
FORBIDDEN = "Đồng chí không có quyền thực hiện thao tác này."
BAD_REQUEST = "Yêu cầu không hợp lệ."
CSRF_FAILED = "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại."
TOO_LARGE = (
    "Tệp gửi lên quá lớn nên hệ thống không nhận. Đồng chí vui lòng quay lại và chọn tệp nhỏ hơn"
    " mức ghi bên ô chọn tệp."
)
API_TOO_LARGE = "Yêu cầu gửi lên lớn hơn {limit} MB nên hệ thống không nhận."
SERVER_ERROR = "Đã có lỗi hệ thống. Dữ liệu của đồng chí không bị thay đổi; vui lòng thử lại sau."

# --- input bounds (chibo_flow.security) -------------------------------------------------------
INPUT_BAD_CHARACTERS = (
    "Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự rỗng hoặc mã Unicode hỏng). "
    "Vui lòng gõ hoặc dán lại nội dung."
)
INPUT_TOO_LONG = "Nội dung gửi lên quá dài (tối đa {limit} ký tự mỗi ô)."
INPUT_NUMBER_TOO_LARGE = "Dữ liệu gửi lên có một con số quá lớn."
INPUT_TOO_DEEP = "Dữ liệu JSON lồng nhau quá {limit} cấp."
DOCUMENT_TOO_LONG = (
    "Văn bản quá dài: tối đa {limit} ký tự, văn bản này có {count}. "
    "Vui lòng rút gọn hoặc tách thành nhiều văn bản."
)
PARAGRAPH_TOO_LONG = (
    "Có một đoạn văn quá dài (tối đa {limit} ký tự mỗi đoạn). Vui lòng chia thành nhiều đoạn."
)
COMMENT_TOO_LONG = "Ý kiến quá dài (tối đa {limit} ký tự)."

# --- workflow ---------------------------------------------------------------------------------
STALE_VERSION = (
    "Chương trình đã được người khác thay đổi trong lúc đồng chí thao tác. "
    "Vui lòng tải lại trang để xem bản mới nhất."
)
TRANSITION_NOT_ALLOWED = "Không thể thực hiện thao tác này ở trạng thái hiện tại."
COMMENT_REQUIRED = "Vui lòng nêu lý do khi không tán thành."
SELF_APPROVAL = (
    "Người trình không thể tự biểu quyết (tán thành hay không tán thành) chương trình của mình."
)
ALREADY_VOTED = (
    "Đồng chí đã cho ý kiến này trong vòng duyệt; có thể đổi ý kiến hoặc rút lại "
    "cho tới khi vòng duyệt kết thúc."
)
NO_OPINION_TO_RETRACT = "Đồng chí chưa có ý kiến nào trong vòng duyệt này để rút lại."
NO_DISSENT_TO_RESERVE = (
    "Chỉ ý kiến không tán thành mới được bảo lưu; đồng chí chưa có ý kiến không tán thành "
    "trong vòng duyệt này."
)
# By the choice asked for (True: bảo lưu).
RESERVE_UNCHANGED = {
    True: "Đồng chí đã bảo lưu ý kiến này.",
    False: "Đồng chí đã chọn không bảo lưu ý kiến này.",
}
DEADLINE_NOT_LATER = "Hạn mới phải sau hạn hiện tại và sau thời điểm này."
DEADLINE_REQUIRED = "Vui lòng chọn hạn cho ý kiến mới."
MEETING_COUNTS = (
    "Số liệu biểu quyết không hợp lệ: số có mặt không quá số cấp ủy viên ({members}), "
    "số tán thành cộng số không tán thành không quá số có mặt."
)
MEETING_DATE_FUTURE = "Ngày họp không thể sau hôm nay."
MEETING_RETURNED = (
    "Đã ghi nhận kết quả biểu quyết tại cuộc họp: chưa đủ số tán thành, "
    "văn bản đã trở về dự thảo để chỉnh sửa."
)
MEETING_FORM_INCOMPLETE = (
    "Vui lòng nhập ngày họp và các con số (số có mặt, tán thành, không tán thành) bằng chữ số."
)
MEETING_MINUTES_REQUIRED = "Vui lòng đính kèm biên bản cuộc họp."
MEETING_MINUTES_TOO_LARGE = "Biên bản họp quá lớn (tối đa {limit} MB)."
DOCUMENT_FILE_FIELD = (
    "Hoặc tải lên tệp văn bản (.docx, .doc, .odt, .rtf, .pdf, trang web đã lưu .html hoặc .mht, "
    ".txt; tối đa {limit} MB)"
)
MEETING_MINUTES_FIELD = "Biên bản cuộc họp (PDF, Word hoặc ảnh, tối đa {limit} MB)"
MEETING_MINUTES_TYPE = "Biên bản họp phải là tệp PDF, Word (.docx, .doc) hoặc ảnh (JPEG, PNG)."
NOT_EDITABLE = "Chỉ có thể sửa chương trình ở trạng thái dự thảo."
SECRECY_REFUSED = "Văn bản tối mật, tuyệt mật không được xử lý trên hệ thống này."
SECRET_NEEDS_FACTOR = (
    "Văn bản mật chỉ được đọc khi đồng chí đăng nhập có xác thực hai lớp. Xin đồng chí cài đặt "
    "ứng dụng xác thực (chỉ một lần), rồi văn bản sẽ mở ra."
)
SECRECY_UNKNOWN = "Độ mật không hợp lệ: chỉ nhận thuong (thường) hoặc mat (mật)."
URGENCY_UNKNOWN = (
    "Độ khẩn không hợp lệ: chỉ nhận thuong (thường), khan (khẩn), thuong_khan (thượng khẩn) "
    "hoặc hoa_toc (hỏa tốc)."
)
UNRESOLVED_RECIPIENTS = "Chưa xác định được người nhận cho dòng Nơi nhận: {lines}."
NO_RECIPIENTS = "Văn bản chưa có mục “Nơi nhận”."
EMPTY_DOCUMENT = "Văn bản trống. Vui lòng nhập hoặc tải lên nội dung chương trình."
NO_SECTIONS = "Không tìm thấy nội dung chính (các mục I, II, ...) trong văn bản."

ACTION_DONE = {
    "edit": "Đã lưu dự thảo.",
    "submit": "Đã trình cấp ủy duyệt.",
    "approve": "Đã ghi nhận ý kiến tán thành.",
    "request_changes": "Đã ghi nhận ý kiến không tán thành và báo cho bí thư.",
    "retract_opinion": "Đã rút lại ý kiến của đồng chí.",
    "reserve_opinion": "Đã ghi nhận: đồng chí bảo lưu ý kiến nếu đa số tán thành.",
    "unreserve_opinion": "Đã ghi nhận: đồng chí không bảo lưu ý kiến nếu đa số tán thành.",
    "extend_deadline": "Đã gia hạn cho ý kiến.",
    "record_meeting_vote": "Đã ghi nhận kết quả biểu quyết tại cuộc họp.",
    "withdraw": "Đã rút lại để chỉnh sửa.",
}
PROGRAMME_APPROVED = "Chương trình đã được thông qua và gửi tới nơi nhận."
PROGRAMME_CREATED = "Đã tạo dự thảo mới."
PROGRAMME_CREATED_CHECK = (
    "Có {count} điểm khi đọc văn bản cần đồng chí soát lại: xem mục “Cần soát lại khi đọc văn bản” "
    "bên dưới."
)

# --- documents (parse / import) ---------------------------------------------------------------
# Owned by chibo_flow/documents; add new document messages in this block.
FILE_EMPTY = (
    "Tệp rỗng: không có nội dung. Vui lòng chọn đúng tệp văn bản (.docx, .doc, .odt, .rtf, "
    ".pdf, trang web .html hoặc .txt)."
)
FILE_TOO_LARGE = "Tệp lớn hơn {limit} MB. Vui lòng lưu văn bản thành tệp .docx hoặc .txt nhỏ hơn."
FILE_NOT_DOCUMENT = (
    "Tệp không phải văn bản Word (.docx, .doc), LibreOffice (.odt), RTF, PDF, trang web (.html, "
    ".mht) hay văn bản thuần (.txt). "
    "Vui lòng mở tệp trong Word và lưu lại dưới dạng .docx."
)
FILE_ENCRYPTED = "Tệp được đặt mật khẩu. Vui lòng gỡ mật khẩu trong Word rồi tải lên lại."
FILE_ZIP_BOMB = "Tệp .docx có kích thước giải nén bất thường nên đã bị từ chối vì an toàn."
FILE_BAD_ENCODING = "Không đọc được bảng mã của tệp văn bản. Vui lòng lưu tệp với bảng mã UTF-8."
FILE_DOC_UNREADABLE = (
    "Không mở được tệp (.doc, .rtf, .odt): tệp bị hỏng hoặc được đặt mật khẩu. Vui lòng mở tệp "
    "trong Word hoặc LibreOffice, "
    "gỡ mật khẩu nếu có, rồi chọn “Lưu thành” → “Word Document (.docx)” và tải lên lại."
)
FILE_DOC_NO_CONVERTER = (
    "Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc, .rtf, .odt. Vui lòng lưu tệp "
    "thành .docx trong Word rồi tải lên lại, hoặc báo quản trị viên cài LibreOffice."
)
FILE_CONVERSION_BUSY = (
    "Máy chủ đang chuyển đổi nhiều tệp (.doc, .rtf, .odt) cùng lúc. Xin đồng chí đợi một lát "
    "rồi tải tệp lên lại (hoặc lưu tệp thành .docx trong Word để tải lên ngay)."
)
FILE_CONVERSION_TIMEOUT = (
    "Chuyển đổi tệp (.doc, .rtf, .odt) quá lâu nên đã dừng. Vui lòng lưu tệp thành .docx "
    "trong Word rồi tải lên lại."
)
FILE_PDF_SCANNED = (
    "Tệp PDF này là ảnh chụp (bản quét), không có lớp chữ nên không đọc được nội dung. "
    "Vui lòng tải lên tệp Word (.docx) hoặc PDF xuất từ Word."
)
FILE_PDF_UNREADABLE = (
    "Không đọc được tệp PDF: tệp bị hỏng. Vui lòng xuất lại PDF từ Word hoặc tải lên tệp .docx."
)
FILE_PDF_BOMB = (
    "Tệp PDF có nội dung giải nén lớn bất thường nên đã bị từ chối vì an toàn. Vui lòng xuất lại "
    "PDF từ Word hoặc tải lên tệp .docx."
)
FILE_PDF_TOO_LONG = (
    "Tệp PDF dài hơn {limit} trang. Vui lòng tải lên riêng văn bản cần nhập (tệp .docx hoặc PDF "
    "ngắn hơn)."
)
FILE_HTML_TOO_COMPLEX = (
    "Trang web có quá nhiều thẻ HTML (hơn {limit}) nên đã bị từ chối vì an toàn. Xin đồng chí "
    "mở trang trong trình duyệt, chép riêng phần văn bản vào ô nội dung, hoặc lưu văn bản thành "
    "tệp .docx rồi tải lên."
)
FILE_HTML_EMPTY = (
    "Trang web không có nội dung chữ để đọc (có thể trang chỉ có ảnh, hoặc nội dung được tải "
    "bằng mã lệnh). Xin đồng chí mở trang trong trình duyệt, chép phần văn bản vào ô nội dung, "
    "hoặc tải lên tệp .docx, .pdf của văn bản."
)

# Notes on how a file was read: shown with the warnings (the conversion is named).
NOTE_CP1258 = "Tệp dùng bảng mã Windows-1258; đã chuyển sang Unicode."
NOTE_TCVN3 = (
    "Tệp dùng bảng mã TCVN3 (ABC, phông .VnTime); đã chuyển sang Unicode. Vui lòng soát lại dấu."
)
NOTE_VNI = "Tệp dùng bảng mã VNI (phông VNI-Times); đã chuyển sang Unicode. Vui lòng soát lại dấu."
NOTE_FONT = (
    "Văn bản dùng phông cũ ({fonts}); chữ đã được chuyển sang Unicode. Vui lòng soát lại dấu."
)
NOTE_DOC_CONVERTED = "Tệp .doc (Word 97-2003) đã được chuyển sang .docx bằng LibreOffice để đọc."
NOTE_RTF_CONVERTED = "Tệp .rtf (WordPad) đã được chuyển sang .docx bằng LibreOffice để đọc."
NOTE_ODT_CONVERTED = (
    "Tệp .odt (LibreOffice Writer) đã được chuyển sang .docx bằng LibreOffice để đọc."
)
NOTE_HTML = (
    "Nội dung được đọc từ trang web (HTML), bỏ phần mã và trình đơn của trang; vui lòng soát lại "
    "xuống dòng và các cột."
)
NOTE_NUMBER_IN_FILE = "số trong tệp: {number}; số chính thức do sổ văn bản cấp khi thông qua"
NOTE_PDF = "Nội dung được đọc từ lớp chữ của tệp PDF; vui lòng soát lại xuống dòng và các cột."

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
WARN_EXTRA_SIGNATURE = "Văn bản có thêm một khối chữ ký; chỉ khối chữ ký đầu tiên được ghi nhận."
WARN_NOT_DOCUMENT = (
    "{count} dòng đứng trước văn bản không thuộc văn bản (trình đơn trang web, tiêu đề bài "
    "viết, ngày đăng, ...) nên đã được bỏ ra khỏi dự thảo; nội dung các dòng ghi ở đây."
)
WARN_PAGE_BREAKS = (
    "{count} dòng đánh dấu chỗ sang trang (“===== Trang … =====”) không thuộc nội dung văn bản "
    "nên đã được bỏ ra khỏi dự thảo; nội dung các dòng ghi ở đây."
)
WARN_PAGE_LIST_MARKER = (
    "Trang web đã thêm số thứ tự hoặc dấu đầu dòng này trước số mục của văn bản; "
    "đã bỏ khỏi tiêu đề mục."
)
WARN_MISPLACED_END = (
    "Dòng “Nơi nhận” hoặc chữ ký này nằm ở phần đầu văn bản, trước tên loại văn bản; "
    "đã bỏ qua dòng này."
)

# ProgrammeDoc sent as JSON (API, edit form) with a wrong shape.
DOC_FIELD_MISSING = "Dữ liệu văn bản không hợp lệ: thiếu trường “{path}”."
DOC_FIELD_UNKNOWN = "Dữ liệu văn bản không hợp lệ: không có trường “{path}”."
DOC_FIELD_TYPE = "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là {expected}."
DOC_FIELD_DATE = "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là ngày dạng YYYY-MM-DD."
DOC_FIELD_PURPOSE = "Dữ liệu văn bản không hợp lệ: trường “{path}” phải là một trong {choices}."
DOC_TOO_DEEP = "Dữ liệu văn bản không hợp lệ: các mục lồng nhau quá {limit} cấp."

# --- web --------------------------------------------------------------------------------------
# Owned by the web UI (chibo_flow/programmes, chibo_flow/admin, templates/).
STATE_LABELS = {"draft": "Dự thảo", "review": "Đang trình duyệt", "approved": "Đã thông qua"}
HISTORY_LABELS = {
    "create": "Tạo dự thảo",
    "edit": "Sửa dự thảo",
    "submit": "Trình duyệt",
    "approve": "Tán thành",
    "request_changes": "Không tán thành",
    "retract_opinion": "Rút lại ý kiến",
    "reserve_opinion": "Bảo lưu ý kiến",
    "unreserve_opinion": "Không bảo lưu ý kiến",
    "withdraw": "Rút lại",
    "extend_deadline": "Gia hạn cho ý kiến",
    "record_meeting_vote": "Ghi kết quả biểu quyết tại cuộc họp",
    "view_secret": "Xem văn bản mật",
    "download_secret": "Tải văn bản mật",
}
# Printed in the top margin of every page of a "mật" PDF as it is downloaded (secret_reading).
SECRET_COPY_STAMP = "MẬT — Bản của đồng chí {name} ({email}), tải lúc {when}"
DELIVERY_STATUS_LABELS = {
    "pending": "Chờ gửi",
    "sending": "Đang gửi",
    "sent": "Đã gửi",
    "failed": "Lỗi",
}
EDIT_TEXT_KEPT = (
    "Nội dung đồng chí vừa nhập vẫn được giữ nguyên bên dưới. Hãy đối chiếu với bản đang lưu, "
    "rồi bấm “Lưu” lần nữa nếu muốn ghi đè."
)
PREVIEW_NOT_SAVED = "Đây là bản xem trước, chưa được lưu."
# The draft's PDF preview, laid out by the worker (chibo_flow/documents/preview.py).
PREVIEW_PENDING = (
    "Hệ thống đang dàn trang bản in dự thảo. Trang này tự tải lại và mở bản PDF khi xong "
    "(thường chỉ vài giây)."
)
PREVIEW_TOO_LARGE = "Không thể tạo bản in dự thảo vì văn bản quá lớn."
PREVIEW_TOO_SLOW = (
    "Không tạo được bản in dự thảo: dàn trang quá lâu. Vui lòng chia các đoạn dài thành "
    "nhiều đoạn ngắn rồi thử lại."
)
PREVIEW_FAILED = "Không tạo được bản in dự thảo do lỗi của hệ thống. Vui lòng thử lại sau."
CHOOSE_ORG = "Vui lòng chọn chi bộ."

# --- api --------------------------------------------------------------------------------------
# Owned by the JSON API (chibo_flow/api).
API_TOKEN_MISSING = (
    "Thiếu mã truy cập. Vui lòng gửi kèm tiêu đề “Authorization: Bearer <token>” "
    "(lấy token bằng lệnh “flask users token EMAIL”)."
)
CLI_SCHEMA_NOT_UPGRADED = (
    "Cơ sở dữ liệu chưa được tạo hoặc chưa nâng cấp theo phiên bản này."
    " Vui lòng chạy lệnh: flask --app wsgi db upgrade"
)
CLI_TOKEN_FACTOR_REQUIRED = (
    "{email} có vai trò cần xác thực hai lớp nhưng chưa đăng ký: mã truy cập (token) sẽ bị từ chối."
    " Đồng chí ấy đăng nhập trên trang web để đăng ký xác thực hai lớp trước."
)
CLI_TOKEN_FACTOR_ENROLLED = (
    "Đã đăng ký xác thực hai lớp cho {email} (chạy thử); lấy mã đăng nhập bằng lệnh:"
    " flask --app wsgi users otp {email}"
)
API_JSON_EXPECTED = (
    "Nội dung yêu cầu phải là JSON: vui lòng gửi kèm tiêu đề “Content-Type: application/json”."
)
API_MULTIPART_EXPECTED = (
    "Vui lòng gửi tệp dạng multipart/form-data (tiêu đề “Content-Type: multipart/form-data”),"
    " tệp trong trường “file”."
)
API_FACTOR_REQUIRED = (
    "Vai trò của đồng chí phải đăng nhập bằng xác thực hai lớp: đồng chí đăng nhập trên trang web"
    " để đăng ký xác thực hai lớp trước, rồi tạo mã truy cập (token) mới."
)
API_RATE_LIMITED = (
    "Mã truy cập này đã gửi quá nhiều yêu cầu trong một phút. Vui lòng chờ theo tiêu đề"
    " Retry-After rồi thử lại."
)
API_INVALID_FIELDS = "Dữ liệu gửi lên không hợp lệ ở trường: {fields}."
API_INVALID_BODY = "Dữ liệu gửi lên không hợp lệ."
API_BODY_NOT_OBJECT = "Nội dung yêu cầu phải là một đối tượng JSON ({...}) với các trường cần gửi."
API_TEXT_OR_DOC = (
    "Vui lòng gửi nội dung văn bản trong đúng một trường: “text” (văn bản thuần) "
    "hoặc “doc” (văn bản có cấu trúc)."
)
API_UNKNOWN_ACTION = (
    "Thao tác không hợp lệ. Các thao tác: submit, approve, request_changes, withdraw "
    "(sửa nội dung dùng PATCH)."
)
API_ORG_UNKNOWN = "Đồng chí không thuộc tổ chức “{org}”."
API_ORG_AMBIGUOUS = (
    "Đồng chí là bí thư của nhiều tổ chức; vui lòng ghi rõ tổ chức trong trường “org”."
)
API_NOT_RENDERED = (
    "Bản chính thức (PDF/DOCX) của chương trình này chưa được tạo. "
    "Bản chính thức được tạo sau khi chương trình được thông qua."
)

# --- final copy and verification --------------------------------------------------------------
# Owned by chibo_flow/documents/final_copy.py and chibo_flow/verify.
FINAL_COPY_NOT_APPROVED = "Chỉ chương trình đã được thông qua mới có bản chính thức."
VERIFY_UNKNOWN_CODE = (
    "Không tìm thấy văn bản có mã xác thực này. Vui lòng kiểm tra lại mã in ở chân trang văn bản."
)
CRL_UNKNOWN = "Không có danh sách chứng thư số bị thu hồi (CRL) này."
VERIFY_FILE_REQUIRED = "Vui lòng chọn tệp PDF cần kiểm tra."
VERIFY_NOT_PDF = "Tệp tải lên không phải là tệp PDF đọc được."
VERIFY_RATE_LIMITED = (
    "Đồng chí đã kiểm tra quá nhiều lần trong một phút. Vui lòng thử lại sau ít phút."
)
SIGNING_NOT_CONFIGURED = (
    "Chưa cấu hình chứng thư số để ký bản chính thức (SIGNING_PKCS12_PATH hoặc SIGNING_PKCS11_LIB)."
)
SIGNING_CERTIFICATE_NOT_VALID = (
    "Không ký được bản chính thức: chứng thư số ký đã bị thu hồi, hết hạn hoặc không kiểm tra "
    "được tình trạng thu hồi."
)
SIGNING_REASON = "Ban hành văn bản"
SIGNED_COPY_NO_FILE = "Đồng chí chưa chọn tệp PDF đã ký số."
SIGNED_COPY_ACCEPTED = (
    "Đã nhận bản chính thức có chữ ký số; văn bản đang được gửi tới các nơi nhận."
)
SIGNED_COPY_NOT_ALLOWED = "Chỉ bí thư của tổ chức ban hành mới được tải lên bản đã ký số."
SIGNED_COPY_NOT_EXPECTED = "Tổ chức này ký số trên hệ thống; không cần tải lên bản đã ký."
SIGNED_COPY_ALREADY = "Bản chính thức đã có chữ ký số; không thể thay thế."
SIGNED_COPY_UNSIGNED = "Tệp tải lên chưa có chữ ký số."
SIGNED_COPY_OTHER_CONTENT = (
    "Tệp tải lên không phải là văn bản đã được thông qua: chữ ký số không bao trùm đúng nội dung "
    "bản chính thức. Vui lòng ký số trên chính tệp PDF tải về từ hệ thống."
)
SIGNED_COPY_BROKEN = "Chữ ký số trong tệp không còn nguyên vẹn: nội dung đã bị thay đổi sau khi ký."
SIGNED_COPY_CHANGED_AFTER = (
    "Tệp đã bị chỉnh sửa sau khi ký số. Vui lòng tải lên đúng tệp do phần mềm ký số tạo ra."
)
SIGNED_COPY_REVOKED = "Chứng thư số đã ký tệp này đã bị thu hồi; không thể ban hành bản này."
SIGNED_COPY_UNTRUSTED = (
    "Không xác thực được người ký: chứng thư số không do tổ chức cung cấp dịch vụ chứng thực "
    "được tin cậy cấp."
)

# --- directory and recipients -----------------------------------------------------------------
# Owned by chibo_flow/directory.py, chibo_flow/recipients.py, the directory pages, API and CLI.
DIRECTORY_NAME_REQUIRED = "Vui lòng nhập họ tên."
DIRECTORY_EMAIL_INVALID = "Địa chỉ email “{email}” không hợp lệ."
DIRECTORY_EMAIL_TAKEN = "Địa chỉ {email} đã có trong danh bạ của {org}."
DIRECTORY_GROUP_NAME_REQUIRED = "Vui lòng nhập tên nhóm."
DIRECTORY_GROUP_TAKEN = (
    "Danh bạ đã có nhóm “{name}” (trùng tên khi so không dấu, không phân biệt hoa thường)."
)
DIRECTORY_GROUP_BOTH = (
    "Nhóm “toàn bộ đảng viên của tổ chức” tự cập nhật theo danh sách đảng viên, "
    "không chọn thêm người; hãy bỏ chọn tổ chức hoặc bỏ chọn người."
)
DIRECTORY_MEMBERS_OF_NOT_ALLOWED = "Chỉ chọn được đảng viên của {org} hoặc tổ chức trực thuộc."
DIRECTORY_PERSON_UNKNOWN = "Danh bạ của {org} không có người có email {email}."
DIRECTORY_GROUP_UNKNOWN = "Danh bạ của {org} không có nhóm “{name}”."
DIRECTORY_LABEL_REQUIRED = "Vui lòng nhập cách viết trong mục Nơi nhận."
DIRECTORY_ORG_UNKNOWN = "Đồng chí không quản trị tổ chức “{org}”."
DIRECTORY_ORG_MISSING = "Không có tổ chức “{org}”."
DIRECTORY_ORG_AMBIGUOUS = (
    "Đồng chí quản trị danh bạ của nhiều tổ chức; vui lòng ghi rõ tổ chức trong trường “org”."
)
DIRECTORY_PERSON_SAVED = "Đã lưu người nhận {name}."
DIRECTORY_PERSON_DELETED = "Đã xóa {name} khỏi danh bạ."
DIRECTORY_GROUP_SAVED = "Đã lưu nhóm “{name}”."
DIRECTORY_GROUP_DELETED = "Đã xóa nhóm “{name}” và các cách viết của nhóm."
DIRECTORY_ALIAS_SAVED = "Đã ghi nhận: “{label}” là nhóm “{group}”."
DIRECTORY_ALIAS_DELETED = "Đã xóa cách viết “{name}”."
RECIPIENT_ADDRESSES_REQUIRED = "Cần ít nhất một địa chỉ email (mỗi dòng một người)."
RECIPIENT_ADD_NOT_ALLOWED = (
    "Chi bộ chưa cho phép bí thư tự thêm nơi nhận; hãy gửi đề nghị tới quản trị viên."
)
RECIPIENT_ADDED = "Đã thêm “{group}” vào danh bạ; dòng “{label}” từ nay gửi tới {count} người."
RECIPIENT_REQUESTED = (
    "Đã gửi đề nghị thêm nơi nhận “{label}” tới quản trị viên; khi quản trị viên thêm xong,"
    " dòng này sẽ tự gửi đúng người."
)
RECIPIENT_LINE_UNKNOWN = "Dòng “{label}” không có trong mục Nơi nhận của chương trình."
RECIPIENT_MAPPED = (
    "Đã ghi nhận: dòng “{label}” gửi tới nhóm “{group}”. "
    "Các chương trình sau viết như vậy sẽ tự nhận ra."
)
RESEND_QUEUED = "Đã đưa {count} thư vào hàng đợi gửi lại."
DIRECTORY_HISTORY_LABELS = {
    "map_recipient": "Chọn nhóm cho dòng Nơi nhận",
    "resend": "Gửi lại thư lỗi",
    "revoke_link": "Thu hồi đường dẫn cá nhân",
}
DELIVERY_SUMMARY = "Đã gửi {sent}/{total} thư; {waiting} thư chờ hoặc đang gửi; {failed} thư lỗi."

# --- delivery ---------------------------------------------------------------------------------
# Owned by chibo_flow/notifications (dispatcher, relay, tasks) and the `deliveries` commands.
# The last reply of a row whose worker stopped mid-send (then sent again, or failed once its
# attempts are used up).
DELIVERY_INTERRUPTED = "Lần gửi bị gián đoạn: tiến trình gửi thư đã dừng giữa chừng."
# A message that cannot be composed (retrying would compose it the same way).
DELIVERY_NOT_COMPOSED = "Không soạn được thư: {reason}"
DELIVERY_RESEND_COMMENT = "Gửi lại {count} thư chưa gửi được: {addresses}."
DELIVERY_RESEND_DONE = "Đã đưa {count} thư của {programmes} chương trình vào hàng đợi gửi lại."
DELIVERY_RESEND_NONE = "Không có thư nào bị lỗi cần gửi lại."
DELIVERY_RESEND_QUEUE_DOWN = (
    "Hàng đợi gửi thư đang không truy cập được; {count} thư sẽ được gửi tự động khi hàng đợi "
    "hoạt động trở lại."
)

# --- receipts (chibo_flow/receipts: personal links, "Văn bản đến", hồi báo) -------------------
RECEIPT_LINK_INVALID = (
    "Đường dẫn này không hợp lệ: có thể nó bị chép thiếu hoặc bị sửa. Vui lòng mở lại đúng "
    "đường dẫn trong thư, hoặc liên hệ văn phòng đã gửi văn bản."
)
RECEIPT_LINK_EXPIRED = (
    "Đường dẫn này đã hết hạn. Vui lòng liên hệ văn phòng đã gửi văn bản để được gửi lại, "
    "hoặc đăng nhập để xem văn bản trong mục “Văn bản đến”."
)
RECEIPT_LINK_REVOKED = (
    "Đường dẫn này đã bị thu hồi nên không mở được văn bản nữa. Vui lòng liên hệ văn phòng "
    "đã gửi văn bản."
)
RECEIPT_SECRET = (
    "Đây là văn bản MẬT nên không mở được bằng đường dẫn trong thư. Đồng chí vui lòng đăng "
    "nhập để đọc văn bản trong mục “Văn bản đến”."
)
RECEIPT_CONFIRMED = "Đã xác nhận đồng chí đã nhận văn bản. Xin cảm ơn."
RECEIPT_NOT_EMAILED = (
    "Văn bản này không gửi tới đồng chí qua thư điện tử. Văn bản vào sổ văn bản đến của đơn vị "
    "được xác nhận ở sổ văn bản đến."
)
RECEIPT_LINK_REVOKED_DONE = "Đã thu hồi đường dẫn cá nhân gửi tới {address}."
RECEIPT_LINK_REVOKED_COMMENT = "Thu hồi đường dẫn cá nhân trong thư gửi tới {address}."
# The greeting of a final-copy email ("Kính gửi: đồng chí Đỗ Thị Lan").
RECEIPT_GREETING_PERSON = "đồng chí {name}"
# Statuses of a final-copy email in people's words (the raw reply stays in the details).
DELIVERY_STATE_WORDS = {
    "pending": "Chờ gửi",
    "sending": "Đang gửi",
    "sent": "Đã gửi tới máy chủ thư",
    "retrying": "Máy chủ thư tạm từ chối, sẽ gửi lại ({code})",
    "failed": "Không gửi được ({code})",
    "failed_no_reply": "Không gửi được",
}
# Permanent SMTP refusals people recognise, by reply code.
SMTP_REFUSALS = {
    550: "Địa chỉ không tồn tại ({code})",
    551: "Địa chỉ không tồn tại ({code})",
    552: "Hộp thư người nhận đã đầy ({code})",
    553: "Địa chỉ không hợp lệ ({code})",
    554: "Máy chủ thư từ chối nhận ({code})",
}
RECEIPT_REMINDER_SUBJECT = "[{org}] Nhắc xác nhận đã nhận văn bản số {number}"

# --- review -----------------------------------------------------------------------------------
# Owned by chibo_flow/review, chibo_flow/programmes/review.py and templates/programmes/review_*.
REVIEW_PART_TITLE = "Tên loại và trích yếu"
REVIEW_PART_BASES = "Căn cứ"
REVIEW_PART_RECIPIENTS = "Nơi nhận"
REVIEW_PART_SIGNATURE = "Chữ ký"
REVIEW_PART_INTRO = "Phần mở đầu"
REVIEW_WHOLE_DOCUMENT = "Toàn văn"
REVIEW_CHANGE_LINE = "{section}: {details}"
REVIEW_SECTION_ADDED = "mục mới"
REVIEW_SECTION_REMOVED = "đã bỏ mục này"
REVIEW_SECTION_CHANGED = "có sửa đổi ({words})"
REVIEW_WORDS_ADDED = "thêm {n} từ"
REVIEW_WORDS_REMOVED = "bỏ {n} từ"
REVIEW_WORDS_OTHER = "chỉ sửa dấu câu hoặc khoảng trắng"
REVIEW_ANCHOR_UNKNOWN = (
    "Không tìm thấy mục được chọn trong dự thảo hiện tại. Vui lòng tải lại trang và chọn lại."
)
REVIEW_COMMENT_EMPTY = "Vui lòng nhập nội dung góp ý."
REVIEW_COMMENT_CLOSED = "Chương trình đã được thông qua; không thể góp ý thêm."
REVIEW_COMMENT_ADDED = "Đã ghi nhận góp ý."
REVIEW_REPLY_ADDED = "Đã gửi trả lời."
REVIEW_THREAD_RESOLVED = "Đã đánh dấu ý kiến là đã giải quyết ở Dự thảo lần {revision}."
REVIEW_THREAD_REOPENED = "Đã mở lại ý kiến."
REVIEW_THREAD_ALREADY = "Ý kiến này đã ở trạng thái đó rồi."
REVIEW_NOT_DELEGATE = "Đồng chí không được ủy quyền biểu quyết thay đồng chí này vào hôm nay."
REVIEW_ON_BEHALF_SELF_APPROVAL = (
    "Không thể biểu quyết thay người trình: ý kiến của người trình không được tính."
)
REVIEW_ALREADY_VOTED_FOR = "Đồng chí {name} đã có ý kiến trong vòng duyệt này."
REVIEW_VOTED_ON_BEHALF = "Đã ghi nhận ý kiến thay cho đồng chí {name}."
REVIEW_RETRACTED_ON_BEHALF = "Đã rút lại ý kiến đã cho thay đồng chí {name}."
REVIEW_LINK_INVALID = "Liên kết duyệt không hợp lệ. Vui lòng mở chương trình từ danh sách."
REVIEW_LINK_EXPIRED = (
    "Liên kết duyệt đã hết hạn. Chương trình vẫn mở được từ danh sách “Chờ tôi duyệt”."
)
REVIEW_LINK_OTHER_USER = (
    "Liên kết này được gửi cho người khác. Vui lòng đăng nhập bằng tài khoản nhận thư."
)
REVIEW_LINK_OUTDATED = (
    "Liên kết trong thư dẫn tới Dự thảo lần {old}, nhưng văn bản đã được sửa: "
    "đồng chí đang xem Dự thảo lần {new}."
)
REVIEW_LINK_DECIDED = "Chương trình không còn chờ duyệt (hiện ở trạng thái “{state}”)."
DELEGATION_SAVED = "Đã ủy quyền cho đồng chí {name} biểu quyết thay từ {start} đến {end}."
DELEGATION_REVOKED = "Đã thu hồi ủy quyền cho đồng chí {name}."
DELEGATION_NOT_COMMITTEE = "Chỉ ủy quyền được cho một cấp ủy viên khác của {org}."
DELEGATION_SELF = "Không thể tự ủy quyền cho chính mình."
DELEGATION_DATES = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
DELEGATION_PAST = "Ngày kết thúc đã qua."
DELEGATION_OVERLAP = "Đồng chí đã ủy quyền cho {name} trong khoảng thời gian trùng lặp."
NOTICE_SECRET_TITLE = "văn bản mật"  # a "mật" draft's notices name it so, never by its trích yếu
NOTICE_SUBJECTS = {
    "review_request": "[{org}] Đề nghị duyệt: {title}",
    "resubmitted": "[{org}] Trình lại sau khi sửa: {title}",
    "changes_requested": "[{org}] Ý kiến không tán thành: {title}",
    "approved_notice": "[{org}] Đã thông qua: {title} (số {number})",
    "reminder": "[{org}] Nhắc duyệt: {title}",
    "escalation": "[{org}] Vòng duyệt còn chờ ý kiến: {title}",
    "deadline_passed": "[{org}] Đã hết hạn cho ý kiến: {title}",
    "deadline_near": "[{org}] Sắp hết hạn cho ý kiến: {title}",
    "recipient_requested": "[{org}] Đề nghị thêm nơi nhận cho: {title}",
}
REVIEW_HISTORY_LABELS = {
    "comment": "Góp ý",
    "reply": "Trả lời góp ý",
    "resolve": "Đánh dấu đã giải quyết",
    "reopen": "Mở lại góp ý",
    "delegate": "Ủy quyền biểu quyết",
    "revoke_delegation": "Thu hồi ủy quyền",
}
HISTORY_CSV_HEADER = [
    "Thời điểm",
    "Người thực hiện",
    "Thao tác",
    "Từ trạng thái",
    "Sang trạng thái",
    "Vòng duyệt",
    "Dự thảo lần",
    "Thay mặt",
    "Ghi chú",
]
DURATION_DAYS = "{n} ngày"
DURATION_HOURS = "{n} giờ"
DURATION_MINUTES = "{n} phút"
DURATION_UNDER_A_MINUTE = "dưới 1 phút"
ROUND_OUTCOMES = {
    "approved": "Thông qua",
    "request_changes": "Trở về dự thảo (không thể đủ số tán thành)",
    "record_meeting_vote": "Trở về dự thảo (biểu quyết tại cuộc họp)",
    "withdraw": "Rút lại",
    None: "Đang duyệt",
}
# What a review notification is, where the delivery log shows a final copy's "Nơi nhận" line.
NOTICE_LABELS = {
    "review_request": "Thư đề nghị duyệt",
    "resubmitted": "Thư báo trình lại",
    "changes_requested": "Thư báo ý kiến không tán thành",
    "approved_notice": "Thư báo đã thông qua",
    "reminder": "Thư nhắc duyệt",
    "escalation": "Thư báo vòng duyệt chậm",
    "deadline_passed": "Thư báo hết hạn cho ý kiến",
    "password_reset": "Thư đặt lại mật khẩu",
    "account_locked": "Thư báo tài khoản tạm khóa",
    "factor_locked": "Thư báo tài khoản bị khóa",
    "invitation": "Thư mời tham gia",
    "roles_changed": "Thư báo thay đổi vai trò",
    "deadline_near": "Thư nhắc sắp hết hạn cho ý kiến",
    "receipt_reminder": "Thư nhắc xác nhận đã nhận",
    "recipient_requested": "Thư đề nghị thêm nơi nhận",
}
# Emails about a person's own account (chibo_flow.auth.mail.ACCOUNT_MAILS), by kind.
ACCOUNT_MAIL_SUBJECTS = {
    "password_reset": "[Chi bộ Flow] Đặt lại mật khẩu",
    "account_locked": "[Chi bộ Flow] Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần",
    "factor_locked": "[Chi bộ Flow] Tài khoản bị khóa do nhập sai mã xác thực nhiều lần",
    "invitation": "[Chi bộ Flow] Mời đồng chí tham gia: đặt mật khẩu",
    "roles_changed": "[Chi bộ Flow] Vai trò của đồng chí đã thay đổi",
    "email_change": "[Chi bộ Flow] Xác nhận email đăng nhập mới",
}
ACCOUNT_MAIL_NO_ACCOUNT = "tài khoản không còn hoặc đã bị khóa"

# The decision record (chibo_flow/review/decision.py, templates/programmes/decision.html).
DECISION_TITLE = "Tổng hợp ý kiến và kết quả biểu quyết của cấp ủy về {doc_type} “{title}”"
DECISION_ROUND_HEADING = "{roman}. Vòng duyệt {number} (dự thảo lần {revision})"
DECISION_ROUND_OPENED = "Đồng chí {name} trình duyệt lúc {at}; hạn cho ý kiến: {deadline}."
DECISION_RULE = (
    "Nguyên tắc tập trung dân chủ, thiểu số phục tùng đa số: văn bản được thông qua khi có"
    " {required}/{members} đồng chí cấp ủy tán thành."
)
DECISION_OUTCOME_LINE = (
    "Kết quả: {outcome} ({approvals} tán thành, {disapprovals} không tán thành; cần"
    " {required}/{members})."
)
DECISION_OUTCOMES = {
    "approved": "thông qua",
    "returned": "trả lại dự thảo để chỉnh sửa",
    "withdrawn": "người trình rút lại để chỉnh sửa",
    None: "đang lấy ý kiến",
}
DECISION_OPINIONS = {"approve": "tán thành", "request_changes": "không tán thành"}
DECISION_OPINION_LINE = "- Đồng chí {name}: {opinion} (lúc {at}, dự thảo lần {revision})"
DECISION_REASON = " Lý do: {reason}"
DECISION_ON_BEHALF = "; do đồng chí {name} cho ý kiến thay theo ủy quyền"
DECISION_CHANGED = "; đã đổi ý kiến lúc {at}"
DECISION_RETRACTED = "; đã rút lại lúc {at}"
DECISION_RESERVED_MARK = "; bảo lưu ý kiến"
DECISION_WAITING_LINE = "- Đồng chí {name}: chưa cho ý kiến."
DECISION_MEETING_LINE = (
    "Biểu quyết tại cuộc họp ngày {held_on}: có mặt {present}, tán thành {votes_for}, không"
    " tán thành {votes_against} (biên bản họp: {minutes})."
)
DECISION_RESERVED_HEADING = "{roman}. Ý kiến bảo lưu"
DECISION_RESERVED_LINE = "Đồng chí {name} bảo lưu ý kiến: {reason}"

# --- organisations (chibo_flow.orgs) -------------------------------------------------------------
ORG_NOT_ADMINISTERED = "Đồng chí không quản trị tổ chức này."
ORG_PARENT_REQUIRED = "Cần chọn tổ chức cấp trên mà đồng chí quản trị."
ORG_PARENT_CYCLE = "Không thể chuyển một tổ chức vào dưới chính nó hoặc tổ chức trực thuộc nó."
ORG_NAME_REQUIRED = "Cần nhập tên tổ chức (tối đa 200 ký tự)."
ORG_NAME_TAKEN = "Đã có tổ chức tên “{name}”."
ORG_CODE_REQUIRED = "Cần nhập ký hiệu viết tắt dùng trong số văn bản (tối đa 20 ký tự)."
ORG_PLACE_TOO_LONG = "Địa danh ghi ở dòng ngày tháng tối đa 100 ký tự."
ORG_TERM_START_INVALID = "Ngày bắt đầu nhiệm kỳ không hợp lệ."
ORG_APPROVALS_TOO_FEW = "Số ý kiến tán thành cần có phải ít nhất là 1."
ORG_APPROVALS_TOO_MANY = "Cấp ủy có {size} đồng chí, không thể yêu cầu {required} ý kiến tán thành."
ORG_MEMBER_UNKNOWN = "Không tìm thấy đồng chí này trong tổ chức."
ORG_ROLES_INVALID = (
    "Vai trò phải là một hoặc nhiều trong: secretary (bí thư / phó bí thư), committee (cấp ủy"
    " viên), member (đảng viên), admin (quản trị)."
)
ORG_INTERVAL_RANGE = "{field} phải là số nguyên từ {low} đến {high}."
ORG_INTERVAL_NAMES = {
    "opinion_days": "Số ngày cho ý kiến",
    "reminder_after_days": "Số ngày trước khi nhắc cấp ủy viên",
    "escalate_after_days": "Số ngày trước khi báo bí thư vòng duyệt chậm",
    "session_idle_minutes": "Số phút không thao tác trước khi tự đăng xuất",
}
ORG_CLOSED = "{org} đã giải thể hoặc sáp nhập: văn bản cũ vẫn được giữ, không soạn dự thảo mới."
ORG_SIGNING_MODE_INVALID = "Cách ký số phải là “system” (hệ thống ký) hoặc “external” (tự ký)."
MEMBER_EMAIL_INVALID = "Địa chỉ email “{email}” không hợp lệ."
MEMBER_NAME_REQUIRED = "Cần nhập họ tên (tối đa 200 ký tự)."
MEMBER_POSITION_TOO_LONG = "Chức vụ tối đa {max} ký tự."
MEMBER_ALREADY = "{email} đã là thành viên của {org}."
INVITATION_ALREADY_ACCEPTED = "Đồng chí {name} đã đặt mật khẩu; không cần mời lại."
INVITATION_NONE_OPEN = "Đồng chí {name} không có lời mời nào đang chờ."
SHEET_ROLE_UNKNOWN = (
    "Không hiểu vai trò “{word}”: dùng bí thư, phó bí thư, cấp ủy viên, đảng viên hoặc quản trị."
)
SHEET_EMPTY = "Tệp không có dòng nào."
SHEET_UNREADABLE = "Không đọc được tệp: cần tệp Excel (.xlsx) hoặc CSV."
SHEET_COLUMNS_MISSING = (
    "Dòng đầu của tệp cần có các cột “Họ tên” và “Email” (và nếu có: “Chức vụ”, “Vai trò”)."
)
SHEET_TOO_MANY_ROWS = "Tệp có quá nhiều dòng (tối đa {max})."
SHEET_ZIP_BOMB = (
    "Tệp Excel có kích thước giải nén bất thường nên đã bị từ chối vì an toàn. Đồng chí vui lòng "
    "lưu lại danh sách thành tệp .xlsx hoặc CSV mới rồi tải lên lại."
)
SHEET_DUPLICATE_EMAIL = "Email {email} trùng với dòng {first}."
SHEET_ROWS_INVALID = "Tệp có {count} dòng lỗi; chưa lưu gì. Sửa các dòng dưới đây rồi tải lên lại."
SHEET_ROW_ERROR = "Dòng {row}: {message}"
NUMBER_INVALID = "Cần nhập một số nguyên."
ORG_SAVED = "Đã lưu {name}."
ORG_CREATED = "Đã tạo {name}."
MEMBER_INVITED = "Đã thêm đồng chí {name} và gửi thư mời tới {email}."
MEMBER_ADDED = "Đã thêm đồng chí {name} vào {org}; đồng chí ấy được báo qua email."
MEMBER_SAVED = "Đã lưu thay đổi của đồng chí {name}; đồng chí ấy được báo qua email."
MEMBER_DEACTIVATED = "Đã khóa tài khoản của đồng chí {name}; các phiên đăng nhập đã kết thúc."
MEMBER_REACTIVATED = "Đã mở lại tài khoản của đồng chí {name}."
INVITATION_RESENT = "Đã gửi lại thư mời cho đồng chí {name}; đường dẫn cũ không còn dùng được."
INVITATION_REVOKED = "Đã thu hồi lời mời của đồng chí {name}."
SHEET_IMPORTED = "Đã thêm {count} đồng chí; thư mời đang được gửi."
SHEET_FILE_REQUIRED = "Cần chọn tệp Excel (.xlsx) hoặc CSV."
SHEET_PREVIEW_EXPIRED = "Bản xem trước không còn hợp lệ; vui lòng tải tệp lên lại."
ORG_MEMBER_ELSEWHERE = (
    "Đồng chí này còn sinh hoạt ở tổ chức mà đồng chí không quản trị; không thể khóa tài khoản."
)
MEMBER_POSITION_ELSEWHERE = (
    "Đồng chí này còn sinh hoạt ở tổ chức mà đồng chí không quản trị; chức vụ của đồng chí ấy do "
    "quản trị các tổ chức ấy sửa."
)

# --- registers and liên thông (chibo_flow.registers) ---------------------------------------------
DIRECTORY_STANDS_FOR_NOT_ALLOWED = (
    "Nhóm của {org} chỉ có thể đại diện cho tổ chức cấp trên hoặc tổ chức trực thuộc trong hệ"
    " thống."
)
REGISTER_BAD_YEAR = "Năm phải là một số từ {first} đến {last}."
REGISTER_BAD_TERM = "Không có nhiệm kỳ bắt đầu ngày {term} của tổ chức này."
REGISTER_ORG_REQUIRED = "Cần chọn tổ chức (tham số org) của sổ văn bản."
RECEIPT_CONFIRMED_FOR_ORG = "Đã xác nhận {org} đã nhận văn bản {number}."
RECEIPT_ALREADY_CONFIRMED = "Văn bản này đã được xác nhận đã nhận trước đó."
OVERVIEW_STATES = {
    "none": "Chưa có",
    "draft": "Đang soạn",
    "review": "Đang trình duyệt",
    "approved": "Đã thông qua",
}
