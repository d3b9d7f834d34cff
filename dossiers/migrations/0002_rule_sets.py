"""The two one-stop-shop rule sets: Decree 61/2018 + Circular 01/2018 until 30 June 2025, Decree 118/2025 +
Circular 03/2025 from 1 July 2025. Rule sets are data: a future circular is a new row, not new code."""

import datetime

from django.db import migrations

RULE_SETS = [
    {
        "code": "nd61-2018",
        "name": "Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP), Thông tư 01/2018/TT-VPCP",
        "legal_basis": "Nghị định số 61/2018/NĐ-CP; Nghị định số 107/2021/NĐ-CP; Thông tư số 01/2018/TT-VPCP",
        "valid_from": datetime.date(2018, 6, 21),
        "dossier_code_pattern": "{agency}-{yymmdd}-{seq:04d}",
        "forms": {
            "receipt": {"number": "Mẫu số 01", "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
            "supplement": {"number": "Mẫu số 02", "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"},
            "refusal": {"number": "Mẫu số 03", "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"},
            "apology": {"number": "Mẫu số 04", "title": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"},
            "control": {"number": "Mẫu số 05", "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
            "register": {"number": "Mẫu số 06", "title": "SỔ THEO DÕI HỒ SƠ"},
        },
    },
    {
        "code": "nd118-2025",
        "name": "Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP",
        "legal_basis": "Nghị định số 118/2025/NĐ-CP; Thông tư số 03/2025/TT-VPCP",
        "valid_from": datetime.date(2025, 7, 1),
        "dossier_code_pattern": "{agency}-{yymmdd}-{seq:04d}",
        "forms": {
            "receipt": {"number": "Mẫu số 01", "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
            "supplement": {"number": "Mẫu số 02", "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"},
            "refusal": {"number": "Mẫu số 03", "title": "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ"},
            "apology": {"number": "Mẫu số 04", "title": "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ"},
            "stop": {"number": "Mẫu số 05", "title": "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"},
            "control": {"number": "Mẫu số 06", "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
            "register": {"number": "Mẫu số 07", "title": "SỔ THEO DÕI HỒ SƠ"},
        },
    },
]


def add_rule_sets(apps, schema_editor):
    RuleSet = apps.get_model("dossiers", "RuleSet")
    for data in RULE_SETS:
        RuleSet.objects.update_or_create(code=data["code"], defaults=data)


def remove_rule_sets(apps, schema_editor):
    apps.get_model("dossiers", "RuleSet").objects.filter(code__in=[r["code"] for r in RULE_SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(add_rule_sets, remove_rule_sets)]
