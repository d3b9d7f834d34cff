"""The common document kinds, so slots and stored files can name them from the first deploy; the catalogue
administrator edits and adds more in the admin."""

from django.db import migrations

KINDS = [
    ("CCCD", "Căn cước công dân", "Căn cước\nThẻ căn cước\nChứng minh nhân dân"),
    ("HC", "Hộ chiếu", ""),
    ("GKS", "Giấy khai sinh", "Trích lục khai sinh"),
    ("GCNKH", "Giấy chứng nhận kết hôn", "Trích lục kết hôn"),
    ("XNTTHN", "Giấy xác nhận tình trạng hôn nhân", ""),
    ("GCT", "Giấy chứng tử", "Trích lục khai tử"),
    ("XNCT", "Giấy xác nhận thông tin về cư trú", "Xác nhận thông tin về cư trú"),
    ("BHYT", "Thẻ bảo hiểm y tế", ""),
    ("GPLX", "Giấy phép lái xe", ""),
    ("GKSK", "Giấy khám sức khỏe", "Giấy chứng nhận sức khỏe"),
    ("GCNQSDD", "Giấy chứng nhận quyền sử dụng đất", "Sổ đỏ"),
    ("GCNDKDN", "Giấy chứng nhận đăng ký doanh nghiệp", ""),
    ("GCNDKHKD", "Giấy chứng nhận đăng ký hộ kinh doanh", ""),
    ("BTN", "Bằng tốt nghiệp", ""),
]


def seed(apps, schema_editor):
    DocumentKind = apps.get_model("procedures", "DocumentKind")
    for code, name, other_names in KINDS:
        DocumentKind.objects.get_or_create(code=code, defaults={"name": name, "other_names": other_names})


class Migration(migrations.Migration):
    dependencies = [("procedures", "0007_document_kinds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
