"""Sending feedback: signed in, or without an account after confirming a phone by SMS code (same limits as
the profile's phone verification: codes hashed, wrong tries counted, resend waits, a daily cap)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from common import clock
from feedback import services
from feedback.models import Feedback, PhoneConfirmation
from notifications.models import Notification
from tests.dossiers.factories_extra import sign_in

from .conftest import confirmed_phone

pytestmark = pytest.mark.django_db


def test_the_code_is_sent_by_sms_to_that_number_only_and_stored_hashed():
    services.send_phone_code(phone="0912345678")
    sms = Notification.objects.get(event="feedback_code")
    assert (sms.channel, sms.address) == ("sms", "0912345678")
    code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
    assert code not in PhoneConfirmation.objects.get().code_hash and "otp" not in sms.context


def test_a_new_code_waits_and_wrong_codes_are_limited(settings):
    services.send_phone_code(phone="0912345678")
    with pytest.raises(ValidationError, match="Please wait"):
        services.send_phone_code(phone="0912345678")
    for _ in range(settings.PHONE_CODE_MAX_ATTEMPTS - 1):
        with pytest.raises(ValidationError, match="not correct"):
            services.confirm_phone_code(phone="0912345678", code="000000")
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.confirm_phone_code(phone="0912345678", code="000000")
    assert PhoneConfirmation.objects.get().attempts == settings.PHONE_CODE_MAX_ATTEMPTS


def test_a_confirmation_sends_one_feedback_item(agency_x):
    confirmation = confirmed_phone()
    values = {
        "subject": services.Subject(agency=agency_x),
        "title": "Hỏi về lệ phí",
        "content": "Lệ phí bao nhiêu?",
        "consent_to_publish": True,
        "sender_name": "Phạm Văn Ba",
        "confirmation": confirmation,
    }
    item = services.send_feedback(**values)
    assert item.sender is None and item.sender_phone == "0912345678"
    sms = Notification.objects.get(event="feedback_received")
    assert sms.address == "0912345678" and "/phan-anh-kien-nghi/theo-doi/" in sms.body
    with pytest.raises(ValidationError, match="Confirm your phone"):
        services.send_feedback(**values)
    assert Feedback.objects.count() == 1


def test_without_confirmation_nothing_is_sent(agency_x):
    with pytest.raises(ValidationError, match="Confirm your phone"):
        services.send_feedback(
            subject=services.Subject(agency=agency_x),
            title="a",
            content="b",
            consent_to_publish=False,
            sender_name="X",
        )
    assert not Feedback.objects.exists()


def test_the_form_walks_phone_code_and_feedback_without_an_account(agency_x):
    client = Client()
    url = reverse("feedback:send")
    assert b'name="phone"' in client.get(url).content
    assert client.post(url, {"step": "phone", "phone": "12"}).status_code == 400
    assert client.post(url, {"step": "phone", "phone": "0912345678"}).status_code == 302
    sms = Notification.objects.get(event="feedback_code")
    code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
    assert (
        client.post(url, {"step": "code", "code": "999999" if code != "999999" else "111111"}).status_code
        == 400
    )
    assert client.post(url, {"step": "code", "code": code}).status_code == 302
    page = client.get(url)
    assert b'name="title"' in page.content and b'name="sender_name"' in page.content
    response = client.post(
        url,
        {
            "step": "feedback",
            "sender_name": "Phạm Văn Ba",
            "agency": agency_x.pk,
            "title": "Hỏi về lệ phí",
            "content": "Lệ phí bao nhiêu?",
        },
    )
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "feedback:mine_detail", args=[item.pk]
    )
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x"},
        {"title": "x", "content": "y"},  # no agency
        {"title": "x" * 500, "content": "y", "agency": "abc"},
        {"title": "x", "content": "y", "agency": "999999"},
        {"title": "x", "content": "y", "procedure_version": "-1"},
        {"title": "x", "content": "y", "dossier": "1e9"},
    ],
)
def test_hostile_input_is_refused_with_the_form_never_5xx(sender, data):
    response = sign_in(Client(), sender).post(reverse("feedback:send"), {"step": "feedback", **data})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_signed_in_sender_sends_about_their_dossier(sender):
    from tests.factories import filed_dossier

    dossier = filed_dossier(applicant=sender)
    client = sign_in(Client(), sender)
    response = client.post(
        reverse("feedback:send"),
        {
            "step": "feedback",
            "dossier": dossier.pk,
            "title": "Chậm",
            "content": "Hồ sơ chậm",
            "consent_to_publish": "on",
        },
    )
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert item.dossier == dossier and item.sender == sender and item.consent_to_publish


def test_the_form_lists_the_senders_dossiers_in_as_many_queries_however_many(sender):
    """Each dossier's option names its procedure: read with the dossiers, not one query per option (a
    citizen with 200 dossiers sent 200 more)."""
    from tests.factories import filed_dossier

    client = sign_in(Client(), sender)
    filed_dossier(applicant=sender)
    client.get(reverse("feedback:send"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("feedback:send"))
    dossiers = [filed_dossier(applicant=sender) for _ in range(4)]
    with CaptureQueriesContext(connection) as five:
        html = client.get(reverse("feedback:send")).content.decode()

    assert len(five) == len(one)
    assert all(f"{d.code} — {d.procedure_version.name}" in html for d in dossiers)


def test_one_address_asks_for_a_limited_number_of_codes(settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    for number in range(services.CODES_PER_ADDRESS_PER_HOUR):
        services.send_phone_code(phone=f"09123450{number:02d}", client_ip="203.0.113.7")
    with pytest.raises(ValidationError, match="from this connection"):
        services.send_phone_code(phone="0987000000", client_ip="203.0.113.7")
    services.send_phone_code(phone="0987000000", client_ip="203.0.113.8")
    assert PhoneConfirmation.objects.count() == services.CODES_PER_ADDRESS_PER_HOUR + 1


def test_the_public_list_reads_a_fixed_number_of_queries(django_assert_max_num_queries, sender, agency_x):
    from django.test import Client

    from tests.factories import staff_member

    officer = staff_member(agency_x, role="officer")
    for number in range(12):
        item = services.answer_feedback(
            feedback=services.send_feedback(
                subject=services.Subject(agency=agency_x),
                title=f"Câu hỏi {number}",
                content="Nội dung",
                consent_to_publish=True,
                sender=sender,
            ),
            by=officer,
            answer="Trả lời",
        )
        services.publish_feedback(feedback=item, by=officer, **services.publication_draft(item))
    with django_assert_max_num_queries(8):
        response = Client().get(reverse("feedback:public_list") + "?page=2")
    assert response.status_code == 200 and "Câu hỏi 1" in response.content.decode()


def test_a_number_gets_the_daily_number_of_codes_at_most(settings):
    settings.PHONE_CODE_RESEND_SECONDS = 0
    for _ in range(settings.PHONE_CODE_MAX_PER_DAY):
        services.send_phone_code(phone="0912345678")
    with pytest.raises(ValidationError, match="last 24 hours"):
        services.send_phone_code(phone="0912345678")
    services.send_phone_code(phone="0912345679")  # another number is not held up
    with clock.running_at(clock.now() + timedelta(days=1, seconds=1)):
        confirmation = services.send_phone_code(phone="0912345678")
    assert confirmation.expires_at - confirmation.created_at == timedelta(
        minutes=settings.PHONE_CODE_VALID_MINUTES
    )


def test_a_phone_sender_is_told_with_no_account_standing_in_for_them(agency_x, officer_x):
    accounts_before = User.objects.count()
    item = services.send_feedback(
        subject=services.Subject(agency=agency_x),
        title="Hỏi về lệ phí",
        content="Lệ phí bao nhiêu?",
        consent_to_publish=False,
        sender_name="Phạm Văn Ba",
        confirmation=confirmed_phone("0912345678"),
    )
    services.answer_feedback(feedback=item, by=officer_x, answer="Lệ phí là 50.000 đồng.")
    told = Notification.objects.filter(address="0912345678")
    assert sorted(told.values_list("event", flat=True)) == [
        "feedback_answered",
        "feedback_code",
        "feedback_received",
    ]
    assert set(told.values_list("recipient", flat=True)) == {None}
    assert User.objects.count() == accounts_before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_for_a_number_with_no_code_yet_send_one_code(monkeypatch):
    """The second click waits for the first click's transaction, then sees its code: asked too soon."""
    first_inside, release = threading.Event(), threading.Event()
    real_notify = services.notify

    def notify_then_hold(**kwargs):
        rows = real_notify(**kwargs)
        if threading.current_thread().name == "first-click":
            first_inside.set()
            release.wait(timeout=30)
        return rows

    monkeypatch.setattr(services, "notify", notify_then_hold)
    outcome = {}

    def click(name):
        try:
            outcome[name] = services.send_phone_code(phone="0912345678")
        except ValidationError as error:
            outcome[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=click, args=("first",), name="first-click")
    second = threading.Thread(target=click, args=("second",), name="second-click")
    first.start()
    try:
        assert first_inside.wait(timeout=30)
        second.start()
        second.join(timeout=2)
        held_up = second.is_alive()
    finally:
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)
    assert held_up, "the second click did not wait for the first"
    assert isinstance(outcome["first"], PhoneConfirmation)
    assert isinstance(outcome["second"], ValidationError) and outcome["second"].code == "too_soon"
    assert PhoneConfirmation.objects.count() == 1
