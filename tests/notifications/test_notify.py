"""notify(): one outbox row per channel the person receives, in their language, written in the caller's
transaction and queued only after it commits."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.events import SINGLE_CHANNEL, Event
from notifications.models import Notification, Status
from notifications.services import notify
from tests.factories import CitizenProfileFactory, UserFactory, filed_dossier

pytestmark = pytest.mark.django_db


def test_writes_one_row_per_channel_and_sends_email_and_sms_after_commit(
    citizen, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify(recipient=citizen, event="dossier_approved", context={})
    assert sorted(row.channel for row in rows) == ["email", "portal", "sms"]
    assert {r.channel: r.status for r in Notification.objects.all()} == {
        "portal": Status.DELIVERED,
        "email": Status.CREATED,
        "sms": Status.CREATED,
    }
    assert mail.outbox == [] and sms_outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    callbacks[0]()
    assert {r.channel: r.status for r in Notification.objects.all()} == {
        "portal": Status.DELIVERED,
        "email": Status.SENT,
        "sms": Status.SENT,
    }
    assert mail.outbox[0].to == [citizen.email]
    assert sms_outbox[0]["to"] == "84912345678"


def test_rows_roll_back_with_the_change_that_caused_them(citizen, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipient=citizen, event="dossier_approved", context={})
        raise RuntimeError("the state change failed")
    assert Notification.objects.count() == 0
    assert callbacks == []


@pytest.mark.parametrize(
    ("email", "sms", "channels"),
    [
        (True, True, {"portal", "email", "sms"}),
        (False, True, {"portal", "sms"}),
        (True, False, {"portal", "email"}),
        (False, False, {"portal"}),
    ],
)
def test_citizens_choose_email_and_sms_in_their_profile_and_the_portal_is_always_on(email, sms, channels):
    user = CitizenProfileFactory(notify_by_email=email, notify_by_sms=sms).user
    rows = notify(recipient=user, event="dossier_received", context={})
    assert {row.channel for row in rows} == channels


def test_no_sms_without_a_phone_number_and_staff_get_email_and_portal():
    without_phone = CitizenProfileFactory(phone="").user
    assert {r.channel for r in notify(recipient=without_phone, event="dossier_received", context={})} == {
        "portal",
        "email",
    }
    clerk = UserFactory(clerk=True)
    assert {r.channel for r in notify(recipient=clerk, event="staff_reminder", context={})} == {
        "portal",
        "email",
    }


def test_no_sms_to_a_phone_nobody_verified_not_even_the_one_typed_on_the_dossier():
    applicant = CitizenProfileFactory(phone="").user
    dossier = filed_dossier(applicant=applicant)
    Notification.objects.all().delete()
    dossier.applicant_phone = "0987000111"
    rows = notify(recipient=applicant, event="dossier_received", context={}, dossier=dossier)
    assert {r.channel for r in rows} == {"portal", "email"}

    unverified = CitizenProfileFactory(phone="0912000111", phone_verified="").user
    assert {r.channel for r in notify(recipient=unverified, event="dossier_received", context={})} == {
        "portal",
        "email",
    }
    # A number changed since it was verified (by whatever path) is not verified.
    changed = CitizenProfileFactory(phone="0912000222", phone_verified="0912000333").user
    assert "sms" not in {r.channel for r in notify(recipient=changed, event="dossier_received", context={})}


def test_text_is_in_the_recipients_language(citizen):
    english = CitizenProfileFactory(user__language="en", phone="0911111111").user
    context = {"due_date": "2026-12-15"}
    vi = {r.channel: r for r in notify(recipient=citizen, event="dossier_received", context=context)}
    en = {r.channel: r for r in notify(recipient=english, event="dossier_received", context=context)}
    assert "tiếp nhận" in vi["portal"].body and "15/12/2026" in vi["portal"].body
    assert "received" in en["portal"].body and "15/12/2026" in en["portal"].body
    assert vi["email"].language == "vi" and en["email"].language == "en"
    # SMS routes for brand names carry unaccented text by default.
    assert "tiep nhan" in vi["sms"].body and "ế" not in vi["sms"].body


def test_context_must_be_json_serialisable_and_the_event_known(citizen):
    import datetime

    with pytest.raises(TypeError, match="JSON-serialisable"):
        notify(recipient=citizen, event="dossier_received", context={"due_date": datetime.date(2026, 1, 2)})
    with pytest.raises(ValueError, match="Unknown notification event"):
        notify(recipient=citizen, event="dossier_teleported", context={})
    assert Notification.objects.count() == 0


def test_the_same_dedupe_key_twice_writes_the_rows_once(citizen):
    first = notify(recipient=citizen, event="postal_delivered", context={}, dedupe_key="parcel-42-delivered")
    second = notify(recipient=citizen, event="postal_delivered", context={}, dedupe_key="parcel-42-delivered")
    assert Notification.objects.count() == 3
    assert {r.pk for r in first} == {r.pk for r in second}


@pytest.mark.parametrize("event", [e.value for e in Event if e not in SINGLE_CHANNEL])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_event_has_a_template_for_every_channel_in_both_languages(event, language):
    user = CitizenProfileFactory(user__language=language).user
    context = {
        "due_date": "2026-12-15",
        "intake_deadline": "2026-12-01T09:30:00+07:00",
        "original_due_date": "2026-12-10",
        "new_due_date": "2026-12-20",
        "reason": "Thiếu giấy tờ",
        "documents": ["Tờ khai"],
        "amount": 150000,
        "reference": "VNP123",
        "tracking_number": "EB123456789VN",
        "return_channel": "post",
        "due_soon": [{"code": "X-1", "procedure": "P", "due_date": "2026-12-02", "url": "http://x/1"}],
        "overdue": [],
        "due_soon_count": 1,
        "overdue_count": 0,
        "days": 2,
    }
    rows = {r.channel: r for r in notify(recipient=user, event=event, context=context)}
    assert set(rows) == {"portal", "email", "sms"}
    for channel in ("portal", "email"):
        assert rows[channel].subject and rows[channel].body
        assert "{" not in rows[channel].body and "&#" not in rows[channel].body
    assert rows["sms"].body and "\n" not in rows["sms"].body
    assert rows["email"].subject == rows["portal"].subject


def test_a_parcel_returned_to_sender_tells_the_citizen_to_contact_the_desk_and_the_desk_what_to_do():
    citizen = CitizenProfileFactory(user__language="en").user
    clerk = UserFactory(clerk=True, language="en")
    context = {"tracking_number": "EB1VN", "reason": "Không có người nhận"}
    to_citizen = notify(recipient=citizen, event="postal_returned_to_sender", context=context)[0]
    to_desk = notify(
        recipient=clerk, event="postal_returned_to_sender", context={**context, "audience": "staff"}
    )[0]
    assert "Contact the one-stop shop" in to_citizen.body
    assert "Hand the result over at the desk" in to_desk.body and "Contact" not in to_desk.body


def test_a_dossier_given_without_a_link_points_to_the_applicants_page(citizen):
    dossier = filed_dossier(applicant=citizen)
    row = notify(recipient=citizen, event="payment_received", context={"amount": 50000}, dossier=dossier)[0]
    assert row.link == f"/dossiers/{dossier.pk}/" and row.dossier_code == dossier.code
    assert "50.000 đồng" in row.body


# --- someone without an account (a feedback sender known by phone, a desk applicant) ----------------------
def test_someone_without_an_account_is_told_at_the_addresses_given_in_vietnamese(
    sms_outbox, django_capture_on_commit_callbacks
):
    from accounts.models import User

    context = {"reference": "PAKN-000007", "title": "Lệ phí", "name": "Lê Văn Tư"}
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipient=None,
            event="feedback_answered",
            context=context,
            channels=[("sms", "0987654321"), ("email", "tu@example.vn")],
        )
    assert {(r.channel, r.address, r.recipient_id, r.language) for r in rows} == {
        ("sms", "0987654321", None, "vi"),
        ("email", "tu@example.vn", None, "vi"),
    }
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sms_outbox[0]["to"] == "84987654321" and mail.outbox[0].to == ["tu@example.vn"]
    assert "Kính gửi Ông/Bà Lê Văn Tư," in mail.outbox[0].body
    assert not User.objects.exists()  # no placeholder account stands in for them
    assert str(rows[0]).endswith("→ 0987654321 (SMS)")


def test_an_email_to_someone_without_an_account_or_a_name_greets_sir_or_madam():
    row = notify(
        recipient=None,
        event="feedback_answered",
        context={"reference": "PAKN-000008", "title": "Lệ phí"},
        channels=[("email", "khach@example.vn")],
    )[0]
    assert row.body.startswith("Kính gửi Ông/Bà,")


@pytest.mark.parametrize(
    "channels",
    [None, [], [("portal", "")], [("sms", "0987654321"), ("portal", "")], [("sms", "")]],
    ids=["none", "empty", "portal", "portal-too", "no-address"],
)
def test_without_an_account_the_channels_are_named_and_never_the_portal(channels):
    with pytest.raises(ValueError, match=r"without an account|needs an account"):
        notify(recipient=None, event="feedback_answered", context={}, channels=channels)
    assert not Notification.objects.exists()


def test_the_database_refuses_a_portal_notice_without_an_account():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=None, event="feedback_answered", channel="portal", body="x")


def test_the_same_dedupe_key_twice_without_an_account_writes_the_rows_once():
    def tell():
        return notify(
            recipient=None,
            event="feedback_answered",
            context={},
            channels=[("sms", "0987654321")],
            dedupe_key="feedback-7-feedback_answered",
        )

    first, second = tell(), tell()
    assert Notification.objects.count() == 1 and [r.pk for r in first] == [r.pk for r in second]


def test_an_account_holder_still_gets_no_sms_at_an_unverified_phone_beside_notices_without_account():
    unverified = CitizenProfileFactory(phone="0933333333", phone_verified="").user
    notify(recipient=None, event="feedback_answered", context={}, channels=[("sms", "0944444444")])
    rows = notify(recipient=unverified, event="feedback_answered", context={})
    assert {r.channel for r in rows} == {"portal", "email"}
    assert Notification.objects.inbox_of(unverified).count() == 1
