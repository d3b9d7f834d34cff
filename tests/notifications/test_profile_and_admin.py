"""Where people and staff meet the outbox: the channel choice in the citizen's profile, and failed rows in
the admin (status filter, attempts, send again)."""

import pytest
from django.urls import reverse

from accounts.models import CitizenProfile
from notifications.models import Channel, Notification, Status
from notifications.providers import PermanentError, sms_memory
from notifications.services import deliver, notify
from tests.accounts.factories_extra import verified_user
from tests.factories import CitizenProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_citizen_turns_sms_off_in_the_profile_and_gets_no_more_sms(client):
    user = verified_user(full_name="Lê Văn Tám")
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="notify_by_email"' in page and 'name="notify_by_sms"' in page
    assert "A notice in your account on the portal is always there" in page

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Lê Văn Tám", "phone": "0912345678", "notify_by_email": "on"},  # SMS box unticked
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=user)
    assert profile.notify_by_email and not profile.notify_by_sms
    assert {r.channel for r in notify(recipient=user, event="dossier_received", context={})} == {
        "portal",
        "email",
    }


def test_new_profiles_receive_every_channel_by_default():
    profile = CitizenProfile.objects.create(user=UserFactory(), full_name="Trần Thị B")
    assert profile.notify_by_email and profile.notify_by_sms


@pytest.fixture
def failed_sms(monkeypatch):
    user = CitizenProfileFactory(phone="0912345678").user
    sms = next(r for r in notify(recipient=user, event="dossier_approved", context={}) if r.channel == "sms")

    def refuse(self, **kwargs):
        raise PermanentError("SMS gateway 401: bad credentials")

    with monkeypatch.context() as patch:
        patch.setattr(sms_memory.MemorySMSBackend, "send", refuse)
        deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.status == Status.FAILED
    return sms


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(is_superuser=True, is_staff=True, role="catalogue_admin")
    from tests.dossiers.staff_support import sign_in

    return sign_in(client, superuser)


def test_failed_notifications_are_listed_for_staff_with_their_error(admin_client, failed_sms):
    url = reverse("admin:notifications_notification_changelist")
    page = admin_client.get(url, {"status__exact": "failed"}).content.decode()
    assert "SMS gateway 401: bad credentials" in page
    detail = admin_client.get(reverse("admin:notifications_notification_change", args=[failed_sms.pk]))
    assert "bad credentials" in detail.content.decode() and "Permanent error" in detail.content.decode()


def test_staff_send_failed_notifications_again(
    admin_client, failed_sms, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "send_again", "_selected_action": [failed_sms.pk]},
        )
    assert response.status_code == 302
    failed_sms.refresh_from_db()
    assert failed_sms.status == Status.SENT
    assert [m["reference"] for m in sms_outbox] == [str(failed_sms.key)]


def test_the_outbox_is_read_only_in_the_admin(admin_client, failed_sms):
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    url = reverse("admin:notifications_notification_delete", args=[failed_sms.pk])
    assert admin_client.get(url).status_code == 403
    assert Notification.objects.filter(channel=Channel.SMS).count() == 1


def test_clerks_do_not_get_the_admin_list(client, failed_sms):
    from tests.dossiers.staff_support import sign_in

    sign_in(client, UserFactory(clerk=True, is_staff=True))
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code in {302, 403}


def test_the_staff_dossier_page_shows_what_the_applicant_was_told_and_what_failed(client, monkeypatch):
    from dossiers.models import State
    from tests.dossiers.factories_core import case_in
    from tests.dossiers.staff_support import sign_in

    def refuse(self, **kwargs):
        raise PermanentError("SMS gateway 400: invalid number")

    monkeypatch.setattr(sms_memory.MemorySMSBackend, "send", refuse)
    case = case_in(State.SUBMITTED)
    for row in Notification.objects.filter(dossier_id=case.dossier.pk).exclude(channel="portal"):
        deliver(row.pk)
    sign_in(client, case.desk.clerk)
    page = client.get(reverse("staff:detail", args=[case.dossier.pk])).content.decode()
    assert "Notifications to the applicant" in page
    assert '<span class="notification-status-failed">Failed</span>: SMS gateway 400: invalid number' in page
    assert case.applicant.email in page


def test_a_notice_without_an_account_is_listed_and_shown_with_its_address(admin_client):
    row = notify(recipient=None, event="feedback_answered", context={}, channels=[("sms", "0987650001")])[0]
    page = admin_client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "0987650001" in page
    detail = admin_client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert detail.status_code == 200 and "0987650001" in detail.content.decode()
