"""Every kind of personal data the portal holds, in one table: what it is, why it is kept (legal basis),
how long, who sees it, and what deleting the account does to it. The processing register (views.register)
shows this table; account deletion (services.delete_account) applies it; the "my data" export
(export.py) covers it. tests/privacy/test_data_kinds.py derives from the models' relations every model with
a path to an account or a dossier and fails when one has no row here: a new model needs a decision.

Retention of dossiers: each procedure's `Procedure.retention_years` (the archive schedule), or
settings.DOSSIER_RETENTION_YEARS_DEFAULT when the procedure names none.
"""

import enum
from dataclasses import dataclass


class OnDeletion(enum.StrEnum):
    KEEP = "keep"  # administrative, accounting or audit law requires it: kept as it is
    PSEUDONYMISE = "pseudonymise"  # the row stays (others refer to it); what names the person is replaced
    DELETE = "delete"  # removed


# The legal bases, written once.
TTHC = "Luật Lưu trữ 2024; Nghị định 61/2018/NĐ-CP và 107/2021/NĐ-CP: hồ sơ thủ tục hành chính"
ACCOUNTING = (
    "Luật Kế toán 2015 (điều 41): chứng từ kế toán lưu 10 năm; Nghị định 11/2016 về thanh toán trực tuyến"
)
CONTRACT = "Luật 91/2025/QH15: cần thiết để cung cấp dịch vụ công trực tuyến mà người dùng yêu cầu"
CONSENT = "Luật 91/2025/QH15; Nghị định 13/2023/NĐ-CP (điều 11): sự đồng ý của chủ thể dữ liệu"
SECURITY = "Luật An ninh mạng 2018; Nghị định 13/2023/NĐ-CP (điều 27): bảo đảm an toàn, nhật ký xử lý"
PAKN = "Nghị định 20/2008/NĐ-CP: tiếp nhận, xử lý phản ánh, kiến nghị"
RIGHTS = "Luật 91/2025/QH15: chứng minh việc thực hiện quyền của chủ thể dữ liệu"
DOSSIER_RETENTION = "Như hồ sơ: Procedure.retention_years, mặc định DOSSIER_RETENTION_YEARS_DEFAULT"
CITIZEN = "Chủ tài khoản"
AGENCY_STAFF = "Chủ tài khoản; cán bộ của cơ quan tiếp nhận, giải quyết hồ sơ"
ADMINS = "Quản trị hệ thống"


@dataclass(frozen=True)
class DataKind:
    model: str  # app_label.ModelName
    what: str
    why: str
    retention: str
    who_sees: str
    on_deletion: OnDeletion
    # Fields that may name the person (name, email, phone, ID number, address, free text about them).
    personal_fields: tuple[str, ...] = ()


K, P, D = OnDeletion.KEEP, OnDeletion.PSEUDONYMISE, OnDeletion.DELETE

DATA_KINDS: tuple[DataKind, ...] = (
    # --- the account ---
    DataKind(
        "accounts.User",
        "Tài khoản: họ tên, thư điện tử, lần đăng nhập gần nhất",
        CONTRACT,
        "Đến khi xóa tài khoản; sau đó chỉ còn mã tài khoản đã ẩn danh (để hồ sơ lưu trữ trỏ tới)",
        CITIZEN + "; " + ADMINS,
        P,
        ("email", "full_name"),
    ),
    DataKind(
        "accounts.CitizenProfile",
        "Thông tin cá nhân: họ tên, ngày sinh, số định danh, điện thoại, địa chỉ",
        CONTRACT,
        "Đến khi xóa tài khoản",
        CITIZEN + "; " + ADMINS,
        D,
        (
            "full_name",
            "personal_id",
            "phone",
            "phone_verified",
            "street_address",
            "tax_code",
            "organisation_name",
        ),
    ),
    DataKind(
        "accounts.PhoneVerification",
        "Mã xác minh số điện thoại (chỉ lưu giá trị băm)",
        CONTRACT,
        "Đến khi xóa tài khoản",
        ADMINS,
        D,
        ("phone",),
    ),
    DataKind(
        "accounts.AgencyMembership",
        "Cán bộ thuộc cơ quan (chỉ tài khoản cán bộ)",
        TTHC,
        "Trong thời gian công tác",
        ADMINS,
        D,
    ),
    DataKind(
        "account.EmailAddress",
        "Địa chỉ thư điện tử đã xác minh",
        CONTRACT,
        "Đến khi xóa tài khoản",
        ADMINS,
        D,
        ("email",),
    ),
    DataKind(
        "account.EmailConfirmation", "Mã xác minh thư điện tử", CONTRACT, "Đến khi xóa tài khoản", ADMINS, D
    ),
    DataKind(
        "socialaccount.SocialAccount",
        "Liên kết định danh điện tử quốc gia (VNeID) và các thông tin nhận được",
        CONTRACT,
        "Đến khi xóa tài khoản",
        ADMINS,
        D,
        ("uid", "extra_data"),
    ),
    DataKind(
        "socialaccount.SocialToken",
        "Mã truy cập VNeID (không lưu theo cấu hình)",
        CONTRACT,
        "Không lưu",
        ADMINS,
        D,
    ),
    DataKind(
        "mfa.Authenticator", "Khóa xác thực hai lớp (cán bộ)", SECURITY, "Đến khi xóa tài khoản", ADMINS, D
    ),
    DataKind("sessions.Session", "Phiên đăng nhập", SECURITY, "Tối đa SESSION_MAX_AGE", ADMINS, D),
    DataKind(
        "usersessions.UserSession",
        "Phiên đang đăng nhập: địa chỉ IP, trình duyệt, thời điểm đăng nhập",
        SECURITY,
        "Đến khi phiên kết thúc (đăng xuất, hết hạn SESSION_MAX_AGE)",
        CITIZEN + "; " + ADMINS,
        D,
        ("ip", "user_agent"),
    ),
    DataKind(
        "accounts.SignIn",
        "Lịch sử đăng nhập: thời điểm, cách đăng nhập, kết quả, địa chỉ IP, trình duyệt",
        SECURITY,
        "SIGN_IN_HISTORY_DAYS ngày (mặc định 180)",
        CITIZEN + "; " + ADMINS,
        D,
        ("ip", "user_agent"),
    ),
    DataKind(
        "identity_sandbox.SandboxPerson",
        "Người thử của máy chủ định danh thử nghiệm",
        CONTRACT,
        "Chỉ môi trường thử nghiệm",
        ADMINS,
        D,
        ("sub", "label", "claims"),
    ),
    DataKind(
        "oauth2_provider.Application",
        "Ứng dụng kết nối API (do cán bộ đăng ký)",
        SECURITY,
        "Trong thời gian kết nối",
        ADMINS,
        K,
    ),
    DataKind("oauth2_provider.AccessToken", "Mã truy cập API", SECURITY, "Đến khi hết hạn", ADMINS, D),
    DataKind("oauth2_provider.RefreshToken", "Mã làm mới API", SECURITY, "Đến khi hết hạn", ADMINS, D),
    DataKind("oauth2_provider.IDToken", "Mã định danh OpenID", SECURITY, "Đến khi hết hạn", ADMINS, D),
    DataKind("oauth2_provider.Grant", "Mã cấp quyền OpenID", SECURITY, "Đến khi hết hạn", ADMINS, D),
    DataKind("oauth2_provider.DeviceGrant", "Mã cấp quyền thiết bị", SECURITY, "Đến khi hết hạn", ADMINS, D),
    DataKind(
        "integrations.ApiClient",
        "Hệ thống kết nối API và cán bộ tạo",
        SECURITY,
        "Trong thời gian kết nối",
        ADMINS,
        K,
    ),
    DataKind(
        "integrations.ApiKey", "Khóa API của hệ thống kết nối", SECURITY, "Trong thời gian kết nối", ADMINS, K
    ),
    DataKind(
        "admin.LogEntry",
        "Nhật ký thao tác quản trị (có thể ghi tên người dùng được sửa)",
        SECURITY,
        "Như nhật ký an toàn hệ thống",
        ADMINS,
        K,
        ("object_repr", "change_message"),
    ),
    # --- dossiers: administrative records ---
    DataKind(
        "dossiers.Dossier",
        "Hồ sơ thủ tục hành chính: thông tin người nộp, dữ liệu tờ khai, địa chỉ nhận "
        "kết quả (hồ sơ nháp chưa nộp bị xóa)",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        (
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "form_data",
            "delivery_address",
        ),
    ),
    DataKind("dossiers.DossierDocument", "Giấy tờ thuộc hồ sơ", TTHC, DOSSIER_RETENTION, AGENCY_STAFF, K),
    DataKind(
        "dossiers.StoredFile",
        "Kho dữ liệu của công dân: tệp giấy tờ (tệp không thuộc hồ sơ nào bị xóa)",
        TTHC,
        DOSSIER_RETENTION + "; tệp không dùng trong hồ sơ: đến khi xóa tài khoản",
        AGENCY_STAFF,
        K,
        ("original_name", "label", "number", "issuer", "file"),
    ),
    DataKind(
        "dossiers.StoredFileShare",
        "Liên kết chia sẻ tệp",
        CONTRACT,
        "Đến khi hết hạn hoặc xóa tài khoản",
        CITIZEN,
        D,
    ),
    DataKind(
        "dossiers.SupplementRequest",
        "Yêu cầu bổ sung hồ sơ",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("details", "reason", "contact", "answer_note"),
    ),
    DataKind(
        "dossiers.DossierEvent",
        "Nhật ký xử lý hồ sơ (ai, khi nào, làm gì) — chỉ ghi thêm",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("actor_name", "on_behalf_of_name", "note", "data"),
    ),
    DataKind(
        "dossiers.Apology",
        "Thư xin lỗi, hẹn lại ngày trả kết quả",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("reason",),
    ),
    DataKind("dossiers.Arrival", "Hồ sơ chuyển đến cơ quan", TTHC, DOSSIER_RETENTION, AGENCY_STAFF, K),
    DataKind(
        "dossiers.Authorisation",
        "Ủy quyền thực hiện thủ tục và bằng chứng đồng ý (bị chấm dứt khi xóa tài khoản)",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("consent_text", "consent_phone"),
    ),
    DataKind(
        "dossiers.DocumentAccess",
        "Nhật ký ai đã mở giấy tờ của công dân — chỉ ghi thêm",
        SECURITY,
        DOSSIER_RETENTION,
        CITIZEN + "; " + ADMINS,
        K,
        ("actor_name", "file_name"),
    ),
    DataKind("e_results.SignedResult", "Kết quả điện tử đã ký số", TTHC, DOSSIER_RETENTION, AGENCY_STAFF, K),
    DataKind(
        "national_sync.SyncItem", "Đồng bộ hồ sơ với Cổng DVC quốc gia", TTHC, DOSSIER_RETENTION, ADMINS, K
    ),
    DataKind(
        "appointments.Appointment", "Lịch hẹn tại bộ phận một cửa", TTHC, DOSSIER_RETENTION, AGENCY_STAFF, K
    ),
    DataKind(
        "postal.DeliveryOrder",
        "Gửi kết quả qua bưu chính: người nhận, điện thoại, địa chỉ",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("recipient_name", "recipient_phone", "street_address", "address_as_written", "delivery_proof"),
    ),
    DataKind(
        "postal.DeliveryEvent",
        "Hành trình bưu gửi — chỉ ghi thêm",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("actor_name", "description", "data"),
    ),
    # --- payments: accounting records ---
    DataKind(
        "payments.PaymentAttempt",
        "Giao dịch thanh toán phí, lệ phí",
        ACCOUNTING,
        "10 năm",
        AGENCY_STAFF,
        K,
        ("order_info", "payer_ip"),
    ),
    DataKind(
        "payments.Refund",
        "Hoàn phí: người nộp, số định danh, địa chỉ",
        ACCOUNTING,
        "10 năm",
        AGENCY_STAFF,
        K,
        ("payer_name", "payer_id_number", "payer_address"),
    ),
    DataKind(
        "payments.IpnLog",
        "Thông báo của cổng thanh toán — chỉ ghi thêm",
        ACCOUNTING,
        "10 năm",
        ADMINS,
        K,
        ("params",),
    ),
    DataKind(
        "payments.RefundTry", "Các lần gửi lệnh hoàn phí — chỉ ghi thêm", ACCOUNTING, "10 năm", ADMINS, K
    ),
    DataKind(
        "payments.SettlementFile",
        "Tệp đối soát của ngân hàng (cán bộ tải lên)",
        ACCOUNTING,
        "10 năm",
        ADMINS,
        K,
    ),
    DataKind("payments.SettlementLine", "Dòng đối soát", ACCOUNTING, "10 năm", ADMINS, K),
    DataKind("payments.ReconciliationRun", "Lần đối soát", ACCOUNTING, "10 năm", ADMINS, K),
    # --- notices, feedback ---
    DataKind(
        "notifications.Notification",
        "Thông báo gửi người dùng (trong cổng, thư điện tử, SMS)",
        CONTRACT,
        "Đến khi xóa tài khoản; khi xóa, nội dung và địa chỉ nhận bị xóa, chỉ còn dấu vết gửi",
        CITIZEN,
        P,
        ("address", "subject", "body", "link", "context"),
    ),
    DataKind(
        "notifications.DeliveryAttempt",
        "Các lần gửi thông báo — chỉ ghi thêm",
        SECURITY,
        "Như thông báo",
        ADMINS,
        K,
    ),
    DataKind(
        "feedback.Feedback",
        "Phản ánh, kiến nghị: người gửi, điện thoại, nội dung",
        PAKN,
        "Như hồ sơ phản ánh, kiến nghị",
        AGENCY_STAFF,
        K,
        ("sender_name", "sender_phone", "sender_email", "content", "answer", "public_content"),
    ),
    DataKind(
        "feedback.FeedbackEvent",
        "Nhật ký xử lý phản ánh — chỉ ghi thêm",
        PAKN,
        "Như hồ sơ phản ánh, kiến nghị",
        AGENCY_STAFF,
        K,
        ("actor_name", "note"),
    ),
    DataKind(
        "feedback.PhoneConfirmation",
        "Mã xác minh điện thoại của người gửi phản ánh không có tài khoản",
        PAKN,
        "Vài phút (mã hết hạn)",
        ADMINS,
        K,
        ("phone",),
    ),
    DataKind(
        "feedback.SatisfactionRating",
        "Đánh giá mức độ hài lòng (không ghi tên)",
        TTHC,
        DOSSIER_RETENTION,
        AGENCY_STAFF,
        K,
        ("comment",),
    ),
    # --- the catalogue: staff authorship only ---
    DataKind(
        "procedures.ProcedureVersion",
        "Phiên bản thủ tục và cán bộ soạn, duyệt (không có dữ liệu công dân)",
        TTHC,
        "Lâu dài",
        ADMINS,
        K,
    ),
    DataKind(
        "procedures.ProcedureFee",
        "Phí, lệ phí của thủ tục (không có dữ liệu cá nhân)",
        TTHC,
        "Lâu dài",
        "Công khai",
        K,
    ),
    DataKind(
        "procedures.RequiredDocument",
        "Thành phần hồ sơ của thủ tục (không có dữ liệu cá nhân)",
        TTHC,
        "Lâu dài",
        "Công khai",
        K,
    ),
    # --- this app ---
    DataKind(
        "privacy.Consent",
        "Sự đồng ý (thông báo xử lý dữ liệu, kênh thông báo) và thời điểm",
        RIGHTS,
        "Lưu cả sau khi xóa tài khoản, làm bằng chứng đã có sự đồng ý",
        CITIZEN + "; " + ADMINS,
        K,
    ),
    DataKind(
        "privacy.CorrectionRequest",
        "Yêu cầu chỉnh sửa dữ liệu cá nhân",
        RIGHTS,
        "Khi xóa tài khoản, nội dung yêu cầu bị xóa, chỉ còn ngày và kết quả xử lý",
        CITIZEN + "; " + ADMINS,
        P,
        ("requested_change", "answer"),
    ),
    DataKind(
        "privacy.DataExport",
        "Các lần tải dữ liệu của tôi",
        RIGHTS,
        "Đến khi xóa tài khoản",
        CITIZEN + "; " + ADMINS,
        D,
    ),
)

# Models holding personal data without a relation to an account or a dossier, listed by hand.
WITHOUT_RELATION = frozenset({"sessions.Session", "feedback.PhoneConfirmation"})


def kind_of(label: str) -> DataKind | None:
    return next((kind for kind in DATA_KINDS if kind.model == label), None)
