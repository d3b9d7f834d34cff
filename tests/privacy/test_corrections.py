"""Correction requests: a citizen asks, staff with the permission answer by the deadline (working days), the
citizen is told; hostile input is refused with a message, never a 5xx."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from dossiers.working_days import add_working_days
from notifications.models import Notification
from privacy import services
from privacy.models import CorrectionRequest
from tests.dossiers.factories_extra import citizen, sign_in, superuser
from tests.dossiers.staff_support import file_online, world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _dpo():
    staff = UserFactory(officer=True)
    staff.user_permissions.add(Permission.objects.get(codename="handle_correctionrequest"))
    return staff


def test_a_request_is_due_in_three_working_days_by_default(settings):
    settings.PRIVACY_CORRECTION_WORKING_DAYS = 3
    user = citizen()
    made = services.request_correction(
        user=user, subject="identity", requested_change="Ngày sinh đúng là 1/2/1990"
    )
    assert made.deadline == add_working_days(
        made.created_at.astimezone().date(), 3
    ) or made.deadline == add_working_days(datetime.date.today(), 3)
    assert made.status == "received" and made.is_open


def test_citizen_asks_and_staff_correct_and_the_citizen_is_told(client):
    w = world()
    dossier = file_online(w)
    user = dossier.applicant
    sign_in(client, user)
    sent = client.post(
        reverse("privacy:request_correction"),
        {"subject": "dossier", "dossier": dossier.pk, "requested_change": "Sai số nhà: 21 chứ không phải 12"},
    )
    assert sent.status_code == 302
    request = CorrectionRequest.objects.get(user=user)
    assert request.dossier == dossier

    staff = _dpo()
    sign_in(client, staff)
    assert str(request.pk) in client.get(reverse("privacy:corrections")).content.decode()
    done = client.post(
        reverse("privacy:handle_correction", args=[request.pk]), {"outcome": "done", "answer": "Đã sửa"}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.answer) == ("done", staff, "Đã sửa")
    assert Notification.objects.filter(recipient=user, event="correction_handled", channel="portal").exists()
    again = client.post(
        reverse("privacy:handle_correction", args=[request.pk]), {"outcome": "refused", "answer": "x"}
    )
    assert again.status_code in (200, 400)
    request.refresh_from_db()
    assert request.status == "done"


def test_a_refusal_must_say_why(client):
    request = services.request_correction(
        user=citizen(), subject="other", requested_change="Xóa số điện thoại cũ"
    )
    sign_in(client, superuser())
    response = client.post(reverse("privacy:handle_correction", args=[request.pk]), {"outcome": "refused"})
    assert response.status_code == 400
    assert CorrectionRequest.objects.get(pk=request.pk).is_open


def test_only_staff_with_the_permission_handle_requests(client):
    request = services.request_correction(user=citizen(), subject="other", requested_change="Sửa tên")
    sign_in(client, UserFactory(clerk=True))
    assert client.get(reverse("privacy:corrections")).status_code == 403
    assert (
        client.post(reverse("privacy:handle_correction", args=[request.pk]), {"outcome": "done"}).status_code
        == 403
    )
    sign_in(client, citizen())
    assert client.get(reverse("privacy:corrections")).status_code in (302, 403)


def test_a_citizen_cannot_name_another_persons_dossier(client):
    w = world()
    other = file_online(w, name="Người Khác")
    user = citizen()
    sign_in(client, user)
    response = client.post(
        reverse("privacy:request_correction"),
        {"subject": "dossier", "dossier": other.pk, "requested_change": "Sửa"},
    )
    assert response.status_code == 400 and not CorrectionRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject": "nonsense", "requested_change": "x"},
        {"subject": "identity", "requested_change": "   "},
        {"subject": "identity", "requested_change": "x" * 5000},
        {"subject": "dossier", "dossier": "abc", "requested_change": "x"},
        {"subject": "dossier", "dossier": "999999999", "requested_change": "x"},
        {"subject": "dossier", "requested_change": "x"},
    ],
)
def test_hostile_correction_input_gets_a_message_not_a_server_error(client, data):
    sign_in(client, citizen())
    response = client.post(reverse("privacy:request_correction"), data)
    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("privacy:channels", {"notify_by_email": "\x00"}),
        ("privacy:delete_account", {"password": "x" * 10000}),
        ("privacy:accept", {"next": "//evil.example"}),
    ],
)
def test_hostile_input_on_the_other_forms_is_never_a_server_error(client, name, data):
    sign_in(client, citizen())
    assert client.post(reverse(name), data).status_code < 500


def test_handling_an_unknown_request_is_not_found(client):
    sign_in(client, superuser())
    assert client.get(reverse("privacy:handle_correction", args=[987654])).status_code == 404
