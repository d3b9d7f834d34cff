"""The contract's default mapping of our states and actions to the national status codes (API.md); admins
edit it afterwards. Codes: 1 Mới đăng ký · 2 Được tiếp nhận · 3 Không được tiếp nhận · 4 Đang xử lý · 5 Yêu cầu
bổ sung giấy tờ · 6 Yêu cầu thực hiện nghĩa vụ tài chính · 7 Công dân yêu cầu rút hồ sơ · 8 Dừng xử lý ·
9 Đã xử lý xong · 10 Đã trả kết quả."""

from django.db import migrations

STATES = [
    ("submitted", "1", "Mới đăng ký"),
    ("supplement_requested", "5", "Yêu cầu bổ sung giấy tờ"),
    ("refused", "3", "Không được tiếp nhận"),
    ("received", "2", "Được tiếp nhận"),
    ("in_progress", "4", "Đang xử lý"),
    ("approved", "9", "Đã xử lý xong"),
    ("denied", "9", "Đã xử lý xong"),
    ("result_ready", "9", "Đã xử lý xong"),
    ("returned", "10", "Đã trả kết quả"),
    ("stopped", "8", "Dừng xử lý"),
    ("withdrawn", "7", "Công dân yêu cầu rút hồ sơ"),
]
# (action, what the national portal shows as done, whether it is sent as a processing step). An action's
# step carries the code of the state the dossier is in after it.
ACTIONS = [
    ("submit", "Nộp hồ sơ trực tuyến", True),
    ("register_at_desk", "Tiếp nhận hồ sơ trực tiếp tại Bộ phận một cửa", True),
    ("check_originals", "Kiểm tra bản chính giấy tờ", True),
    ("receive", "Tiếp nhận hồ sơ", True),
    ("refuse", "Từ chối tiếp nhận hồ sơ", True),
    ("request_supplement", "Yêu cầu bổ sung, hoàn thiện hồ sơ", True),
    ("propose_supplement", "Đề xuất yêu cầu bổ sung hồ sơ", False),
    ("reject_supplement", "Không duyệt đề xuất yêu cầu bổ sung", False),
    ("answer_supplement", "Công dân bổ sung hồ sơ", True),
    ("transfer", "Chuyển hồ sơ xử lý", True),
    ("assign", "Phân công xử lý hồ sơ", True),
    ("approve", "Phê duyệt kết quả giải quyết", True),
    ("deny", "Từ chối giải quyết hồ sơ", True),
    ("result_ready", "Có kết quả, chờ trả", True),
    ("return", "Trả kết quả", True),
    ("stop", "Dừng xử lý hồ sơ", True),
    ("withdraw", "Công dân rút hồ sơ", True),
    ("apology", "Xin lỗi và hẹn lại ngày trả kết quả", True),
    ("pay_fees", "Nộp phí, lệ phí", False),
    ("exempt_fees", "Miễn phí, lệ phí", False),
    ("refund_fees", "Hoàn trả phí, lệ phí", False),
]


def seed(apps, schema_editor):
    StatusMapping = apps.get_model("national_sync", "StatusMapping")
    for value, code, label in STATES:
        StatusMapping.objects.get_or_create(
            kind="state", value=value, defaults={"national_code": code, "national_label": label}
        )
    for value, label, sends_step in ACTIONS:
        StatusMapping.objects.get_or_create(
            kind="action", value=value, defaults={"national_label": label, "sends_step": sends_step}
        )


class Migration(migrations.Migration):
    dependencies = [("national_sync", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
