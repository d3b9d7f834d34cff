"""What the citizen is told around filing says what will really happen: no empty date when the fees come
first, no "at once" when the dossier waits for them, and never a promised time already past (the clock is
the portal's: common.clock.running_at)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from common import clock
from dossiers import services
from procedures.models import FeePaymentStage
from tests.dossiers.factories_extra import citizen, complete_draft, sign_in
from tests.factories import ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def version_with_fee(stage=FeePaymentStage.AT_FILING, amount=50_000):
    version = ProcedureVersionFactory(published=True, documents=1, fee_payment_stage=stage)
    if amount:
        ProcedureFeeFactory(version=version, amount=amount)
    return version


def test_after_filing_with_a_fee_due_at_filing_no_empty_date_is_shown(client):
    person = citizen()
    dossier = complete_draft(version=version_with_fee(), applicant=person)
    sign_in(client, person, language="vi")
    page = client.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True).content.decode()
    dossier.refresh_from_db()
    assert dossier.intake_deadline is None  # the 8 hours start with the payment
    assert "chậm nhất là ," not in page and "chậm nhất là  " not in page
    assert f"mã hồ sơ là {dossier.code}. Còn một bước: Ông/Bà vui lòng thanh toán phí, lệ phí" in page


def test_after_filing_without_fees_the_answer_time_is_given(client):
    person = citizen()
    dossier = complete_draft(version=version_with_fee(amount=0), applicant=person)
    sign_in(client, person, language="vi")
    with clock.running_at(vn(2026, 11, 30, 8, 41)):
        page = client.post(reverse("dossiers:submit", args=[dossier.pk]), follow=True).content.decode()
    dossier.refresh_from_db()
    deadline = f"{dossier.intake_deadline.astimezone(VN):%H:%M %d/%m/%Y}"
    assert deadline.endswith("/2026")
    assert f"chậm nhất là {deadline}, Bộ phận Một cửa sẽ tiếp nhận" in page


def test_the_review_does_not_promise_the_dossier_at_once_when_the_fees_come_first(client):
    person = citizen()
    waits = complete_draft(version=version_with_fee(), applicant=person)
    at_once = complete_draft(version=version_with_fee(amount=0), applicant=person)
    later = complete_draft(version=version_with_fee(stage=FeePaymentStage.BEFORE_RETURN), applicant=person)
    sign_in(client, person, language="vi")

    def review(dossier):
        return client.get(reverse("dossiers:wizard", args=[dossier.pk, "review"])).content.decode()

    page = review(waits)
    assert "nhận được hồ sơ ngay" not in page
    assert "Bộ phận Một cửa nhận được hồ sơ khi đã thanh toán xong" in page
    assert "kể từ khi nhận được thanh toán" in page
    for page in [review(at_once), review(later)]:
        assert "Khi Ông/Bà nộp, Bộ phận Một cửa nhận được hồ sơ ngay" in page


def test_my_dossiers_never_promises_an_answer_time_already_past(client):
    person = citizen()
    dossier = complete_draft(version=version_with_fee(amount=0), applicant=person)
    with clock.running_at(vn(2026, 11, 30, 8, 0)):
        dossier = services.submit(dossier=dossier, by=person)
    deadline = f"{dossier.intake_deadline.astimezone(VN):%H:%M %d/%m/%Y}"
    assert deadline.endswith("30/11/2026") or deadline.endswith("01/12/2026")
    sign_in(client, person, language="vi")

    with clock.running_at(vn(2026, 11, 30, 10, 0)):  # still running: the time is a promise
        page = client.get(reverse("dossiers:mine")).content.decode()
    assert f"Bộ phận Một cửa sẽ trả lời trước {deadline}" in page

    with clock.running_at(vn(2026, 12, 2, 9, 0)):  # on 02/12, still not answered
        mine = client.get(reverse("dossiers:mine")).content.decode()
        detail = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    for page in [mine, detail]:
        assert f"sẽ trả lời trước {deadline}" not in page
        assert f"Bộ phận Một cửa đã quá hạn trả lời (hạn là {deadline})" in page
    assert f"{deadline} — quá hạn" in mine
    assert f"Bộ phận Một cửa phải trả lời trước {deadline}: việc trả lời đang chậm so với hạn" in detail
