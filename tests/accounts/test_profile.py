from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import CitizenProfile
from tests.factories import AdministrativeUnitFactory, CitizenProfileFactory

from .factories_extra import ProvinceFactory, TOTPAuthenticatorFactory, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    hanoi = ProvinceFactory(name="Thành phố Hà Nội")
    hue = ProvinceFactory(name="Thành phố Huế")
    return {
        "hanoi": hanoi,
        "hue": hue,
        "ba_dinh": AdministrativeUnitFactory(name="Phường Ba Đình", parent=hanoi),
        "thuan_hoa": AdministrativeUnitFactory(name="Phường Thuận Hóa", parent=hue),
    }


@pytest.fixture
def citizen(client):
    user = verified_user(full_name="Lê Văn Tám")
    client.force_login(user)
    return user


def _details(places, **overrides):
    data = {
        "full_name": "Lê Văn Tám",
        "date_of_birth": "1990-05-17",
        "personal_id": "001090012345",
        "phone": "0912345678",
        "province": places["hanoi"].pk,
        "commune": places["ba_dinh"].pk,
        "street_address": "12 Phố Đội Cấn",
    }
    data.update(overrides)
    return data


def _post(client, data):
    return client.post(reverse("accounts:profile"), data)


def test_a_citizen_saves_their_details(client, citizen, places):
    response = _post(client, _details(places, full_name="Lê Văn Tám Mới"))

    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.personal_id == "001090012345"
    assert profile.address == "12 Phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"
    citizen.refresh_from_db()
    assert citizen.full_name == "Lê Văn Tám Mới"
    assert "Your details were saved." in client.get(response.url).content.decode()


def test_saving_again_updates_the_same_profile(client, citizen, places):
    _post(client, _details(places))
    _post(client, _details(places, phone="+84987654321"))

    assert CitizenProfile.objects.get(user=citizen).phone == "+84987654321"
    assert CitizenProfile.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personal_id", "00109001234", "exactly 12 digits"),
        ("personal_id", "00109001234A", "exactly 12 digits"),
        ("phone", "12345", "Enter a Vietnamese phone number"),
        ("date_of_birth", "not-a-date", "Enter a valid date."),
    ],
)
def test_invalid_details_are_refused_with_a_field_error(client, citizen, places, field, value, message):
    response = _post(client, _details(places, **{field: value}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not CitizenProfile.objects.exists()
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content
    assert 'aria-invalid="true"' in content


def test_a_birth_date_in_the_future_is_refused(client, citizen, places):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = _post(client, _details(places, date_of_birth=tomorrow))

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert f'max="{timezone.localdate().isoformat()}"' in response.content.decode()


def test_a_personal_id_used_by_another_profile_is_a_field_error(client, citizen, places):
    CitizenProfileFactory(personal_id="001090012345")

    response = _post(client, _details(places))

    assert response.status_code == 200
    assert response.context["form"].errors["personal_id"] == [
        "This personal identification number is already registered to another account. "
        "If it is yours, please contact the help desk."
    ]
    assert not CitizenProfile.objects.filter(user=citizen).exists()


def test_keeping_ones_own_personal_id_is_not_a_duplicate(client, citizen, places):
    CitizenProfileFactory(user=citizen, personal_id="001090012345")

    assert _post(client, _details(places)).status_code == 302


def test_the_service_refuses_a_duplicate_personal_id_too():
    CitizenProfileFactory(personal_id="001090012345")
    other = verified_user()

    with pytest.raises(ValidationError) as error:
        services.save_citizen_profile(user=other, full_name="Người Khác", personal_id="001090012345")

    assert "personal_id" in error.value.message_dict
    assert not CitizenProfile.objects.filter(user=other).exists()


def test_a_commune_outside_the_province_is_refused(client, citizen, places):
    response = _post(client, _details(places, commune=places["thuan_hoa"].pk))

    assert response.status_code == 200
    assert response.context["form"].errors["commune"] == ["This commune is not in the chosen province."]


def test_communes_are_grouped_by_province_and_tagged_for_the_script(client, citizen, places):
    content = client.get(reverse("accounts:profile")).content.decode()

    assert '<optgroup label="Thành phố Hà Nội">' in content
    assert f'data-province="{places["hanoi"].pk}"' in content
    assert f'value="{places["ba_dinh"].pk}"' in content


def test_a_citizen_sees_only_their_own_profile(client, citizen, places):
    CitizenProfileFactory(full_name="Phạm Thị Khác", personal_id="079190000001")
    CitizenProfileFactory(user=citizen, full_name="Lê Văn Tám", personal_id="001090012345")

    content = client.get(reverse("accounts:profile")).content.decode()

    assert "001090012345" in content
    assert "079190000001" not in content
    assert "Phạm Thị Khác" not in content


def test_the_profile_needs_a_signed_in_citizen(client):
    assert client.get(reverse("accounts:profile")).url.startswith(reverse("account_login"))
    clerk = verified_user(clerk=True)
    TOTPAuthenticatorFactory(user=clerk)
    client.force_login(clerk)
    assert client.get(reverse("accounts:profile")).status_code == 403
