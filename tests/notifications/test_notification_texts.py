"""What a notice says: the reason and the dates it is about, on every channel, and one space between words.

The refusal SMS once said only "Hồ sơ … bị từ chối tiếp nhận.  http://…": no reason, and two spaces where
the empty body was.
"""

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from dossiers.models import State
from notifications.events import CONTEXT_KEYS, Event
from notifications.models import Notification
from notifications.rendering import render, unaccent
from tests.dossiers.factories_core import case_in

CONTEXT = {
    "name": "Nguyễn Văn An",
    "code": "000.00.15.H29-261201-0001",
    "procedure": "Cấp phiếu lý lịch tư pháp",
    "url": "http://127.0.0.1:8000/dossiers/1/",
    "due_date": "2026-12-15",
    "intake_deadline": "2026-12-01T09:30:00+07:00",
    "original_due_date": "2026-12-10",
    "new_due_date": "2026-12-20",
    "reason": "Hồ sơ không thuộc thẩm quyền",
    "documents": ["Tờ khai"],
    "details": "Bản sao có chứng thực",
    "amount": 150000,
    "reference": "VNP123",
    "tracking_number": "EB123456789VN",
    "carrier": "VNPost",
    "delivered_at": "2026-12-03T10:05:00+07:00",
    "return_channel": "post",
    "due_soon": [{"code": "X-1", "procedure": "P", "due_date": "2026-12-02", "url": "http://x/1"}],
    "overdue": [],
    "need_apology": [],
    "due_soon_count": 1,
    "overdue_count": 0,
    "agency": "UBND xã An Bình",
    "days": 2,
    "otp": "123456",
    "minutes": 10,
    "when": "14:30 05/12/2026",
    "browser": "Chrome, Android",
    "ip": "203.0.113.7",
}
# What each key looks like in a notice (dates as the notices write them).
SHOWN = {
    "reason": "Hồ sơ không thuộc thẩm quyền",
    "due_date": "15/12/2026",
    "intake_deadline": "09:30 01/12/2026",
    "new_due_date": "20/12/2026",
    "original_due_date": "10/12/2026",
    "delivered_at": "10:05 03/12/2026",
    "when": "14:30 05/12/2026",
    "ip": "203.0.113.7",
}
# The SMS is short: the old appointment date stays in the email and the portal.
NOT_IN_SMS = {"original_due_date", "ip"}


def rendered(event: str, language: str) -> dict[str, str]:
    """The notice on each channel it has a template for (a phone code is an SMS only)."""
    texts = {}
    for channel in ("sms", "email", "portal"):
        try:
            get_template(f"notifications/{channel}/{event}.txt")
        except TemplateDoesNotExist:
            continue
        message = render(event=event, channel=channel, context=CONTEXT, language=language)
        texts[channel] = f"{message.subject}\n{message.body}"
    return texts


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("event", [e.value for e in Event])
def test_every_notice_carries_its_reason_and_dates_on_every_channel(event, language):
    texts = rendered(event, language)
    missing = []
    for key in CONTEXT_KEYS[event]:
        if key not in SHOWN:
            continue
        for channel, text in texts.items():
            if channel == "sms" and key in NOT_IN_SMS:
                continue
            expected = unaccent(SHOWN[key]) if channel == "sms" else SHOWN[key]
            if expected not in text:
                missing.append((channel, key))
    assert not missing, texts


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("event", [e.value for e in Event])
def test_no_notice_has_a_double_space_or_a_space_before_a_stop(event, language):
    for channel, text in rendered(event, language).items():
        for line in text.splitlines():
            assert "  " not in line and " ." not in line and " ," not in line, (channel, line)


def test_a_reason_typed_with_extra_spaces_and_lines_reads_as_one_sentence_in_the_sms():
    context = {**CONTEXT, "reason": "  Không thuộc\n thẩm   quyền  "}
    body = render(event="dossier_refused", channel="sms", context=context, language="vi").body
    assert "Ly do: Khong thuoc tham quyen. http://" in body


@pytest.mark.django_db
def test_the_refusal_sms_gives_the_reason_with_single_spaces():
    refused = case_in(State.REFUSED)
    sms = Notification.objects.get(dossier_id=refused.dossier.pk, event="dossier_refused", channel="sms")
    email = Notification.objects.get(dossier_id=refused.dossier.pk, event="dossier_refused", channel="email")
    assert "Ly do: Khong thuoc tham quyen" in sms.body and "  " not in sms.body
    assert "Lý do: Không thuộc thẩm quyền" in email.body
