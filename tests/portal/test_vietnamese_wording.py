"""The words people trip over, read on the pages in Vietnamese: the admin's import screen, theme toggle, app
and model names and select prompts; the staff dossier page's columns; our forms' empty choices; the password
rules in the Ông/Bà register."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from common.forms import ModelChoiceField
from dossiers.models import State
from procedures.models import Agency
from tests.dossiers.staff_support import dossier_in, sign_in, world
from tests.factories import CitizenProfileFactory, UserFactory
from tests.procedures.factories_extra import (
    as_csv,
    catalogue_admin,
    good_row,
    reference_data,
    sign_in_to_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    """A superuser past the two-factor step, reading the default language (Vietnamese)."""
    sign_in_to_admin(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_catalogue_import_screen_and_its_preview_are_in_vietnamese(client):
    reference_data()
    sign_in_to_admin(client, catalogue_admin())
    url = reverse("admin:procedures_procedureversion_import")

    page = client.get(url).content.decode()
    assert "Tệp cần nhập" in page and "Các trường sẽ được nhập" in page and "Định dạng" in page
    assert "File to import" not in page and "This importer will import" not in page
    assert "— Chọn —" in page  # the format list, not "---"

    upload = SimpleUploadedFile("catalogue.csv", as_csv([good_row()]), content_type="text/csv")
    preview = client.post(url, {"format": "0", "import_file": upload}).content.decode()
    assert "Xác nhận nhập dữ liệu" in preview and "Confirm import" not in preview
    assert '<td class="import-type"> Mới </td>' in " ".join(preview.split())
    assert "Mới nộp" not in preview  # the staff queue's tab, not a new catalogue row


def test_the_admin_offers_its_theme_toggle_in_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:procedures_agency_changelist")).content.decode()
    assert "Đổi giao diện sáng/tối" in page and "Toggle theme" not in page
    assert "Xin chào" in page and "bạn" not in page.lower()


def test_the_admin_names_sites_and_authenticators_in_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Phương thức xác thực" in page and "Authenticators" not in page
    assert ">Trang web<" in page and ">Sites<" not in page
    assert "Người dùng và vai trò" in page and "Tài khoản đăng nhập" in page  # two apps, two names


def test_an_admin_select_opens_on_a_vietnamese_prompt_not_dashes(admin_client):
    page = admin_client.get(reverse("admin:procedures_agency_add")).content.decode()
    assert "— Chọn —" in page and "---------" not in page
    changelist = admin_client.get(reverse("admin:procedures_agency_changelist")).content.decode()
    assert "---------" not in changelist  # the action list


def test_our_choice_fields_open_on_a_vietnamese_prompt(client):
    with translation.override("vi"):
        assert str(ModelChoiceField(queryset=Agency.objects.none()).empty_label) == "— Chọn —"
    client.force_login(CitizenProfileFactory().user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "— Chọn tỉnh, thành phố —" in page and "— Chọn xã, phường —" in page and "---------" not in page


def test_the_staff_page_heads_the_notices_channel_column_as_a_channel_not_a_filing_method(client):
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    sign_in(client, w.desk.clerk, language="vi")

    detail = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert '<th scope="col">Kênh gửi</th>' in detail
    queue = client.get(reverse("staff:queue", args=[w.desk.agency.code])).content.decode()
    assert "Hình thức nộp" in queue


def test_the_password_rules_address_the_citizen_as_ong_ba():
    with translation.override("vi"):
        rules = " ".join(str(text) for text in password_validators_help_texts())
        with pytest.raises(ValidationError) as refused:
            validate_password("12345678")
    assert "Ông/Bà" in rules and "bạn" not in rules.lower()
    assert all("bạn" not in message.lower() for message in refused.value.messages)
