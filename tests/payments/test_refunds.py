"""When a paid dossier is refused, denied, stopped or withdrawn the refund starts at once (dossier hook →
a Refund row in the same transaction → a Celery task after commit), is retried on failure, is tracked to
the end, carries the refund voucher's data, and the citizen is told."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dossiers import services as dossier_services
from dossiers.models import State
from notifications.models import Channel, Notification
from payments import receipts, services, tasks
from payments.gateways import GatewayError, GatewayRejected, SandboxGateway
from payments.models import AttemptState, Refund, RefundDecision, RefundStatus, SandboxTransaction
from tests.factories import UserFactory, staff_member
from tests.payments.support import clerk_of, filed, pay, receive, reload

pytestmark = pytest.mark.django_db

REASON = "Địa điểm kinh doanh không thuộc địa bàn phường Hoa Lư."


def paid_dossier():
    dossier = filed()
    attempt = pay(dossier)
    return reload(dossier), attempt


def refuse(dossier, clerk=None):
    return dossier_services.refuse(dossier=reload(dossier), clerk=clerk or clerk_of(dossier), reason=REASON)


def in_progress(dossier):
    clerk = clerk_of(dossier)
    dossier = receive(dossier, clerk)
    return dossier_services.transfer(dossier=dossier, by=clerk, to_agency=dossier.receiving_agency)


def test_refusing_a_paid_dossier_refunds_it_at_once_with_the_vouchers_data(
    django_capture_on_commit_callbacks,
):
    dossier, attempt = paid_dossier()
    clerk = clerk_of(dossier)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refuse(dossier, clerk)
        refund = Refund.objects.get()  # written in the refusal's own transaction
        assert refund.status == RefundStatus.PENDING and reload(attempt).state == AttemptState.REFUND_PENDING
    assert len(callbacks) >= 1

    refund, attempt, dossier = reload(refund), reload(attempt), reload(dossier)
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_no and refund.tries == 1
    assert (refund.completed_at - refund.requested_at).total_seconds() < 60
    assert attempt.state == AttemptState.REFUNDED
    assert SandboxTransaction.objects.get(txn_ref=attempt.txn_ref).refunded_at is not None
    # The voucher: payment transaction, amount, payer, reason, the decision that refused.
    assert (refund.payment_reference, refund.payment_transaction_no, refund.amount) == (
        attempt.txn_ref,
        attempt.gateway_transaction_no,
        50_000,
    )
    assert (refund.payer_name, refund.payer_id_number) == (
        dossier.applicant_name,
        dossier.applicant_id_number,
    )
    assert refund.decision == RefundDecision.REFUSED and refund.reason == REASON
    assert refund.decided_by == clerk.full_name and refund.decided_at == dossier.decided_at
    assert refund.dossier_code == dossier.code and refund.agency_name == dossier.receiving_agency.name
    # The dossier records it, and the citizen is told.
    assert dossier.fees_refunded_at is not None
    assert dossier.events.filter(action="refund_fees").count() == 1
    assert Notification.objects.filter(
        recipient=dossier.applicant, event="refund_issued", channel=Channel.PORTAL
    ).exists()


@pytest.mark.parametrize("decision", ["deny", "stop", "withdraw"])
def test_denied_stopped_or_withdrawn_paid_dossiers_are_refunded(decision, django_capture_on_commit_callbacks):
    dossier, attempt = paid_dossier()
    dossier = in_progress(dossier)
    officer = staff_member(dossier.receiving_agency, role="officer", full_name="Lê Quang Huy")
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "deny":
            dossier_services.deny(dossier=dossier, officer=officer, reason="Không đủ điều kiện")
        elif decision == "stop":
            dossier_services.stop(dossier=dossier, by=officer, reason="Người nộp đề nghị dừng")
        else:
            dossier_services.withdraw(dossier=dossier, by=dossier.applicant, reason="Không cần nữa")

    refund = Refund.objects.get()
    expected = {
        "deny": RefundDecision.DENIED,
        "stop": RefundDecision.STOPPED,
        "withdraw": RefundDecision.WITHDRAWN,
    }
    assert refund.decision == expected[decision] and refund.status == RefundStatus.SUCCEEDED
    assert refund.reason and refund.decided_by
    assert reload(attempt).state == AttemptState.REFUNDED


def test_an_unpaid_or_returned_dossier_starts_no_refund(django_capture_on_commit_callbacks):
    dossier = filed()
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)
    assert not Refund.objects.exists()


def test_a_failing_gateway_is_retried_until_it_succeeds(monkeypatch, django_capture_on_commit_callbacks):
    dossier, attempt = paid_dossier()
    real_refund = SandboxGateway.refund
    calls = []

    def flaky(self, refund, *, request_id, created_by):
        calls.append(request_id)
        if len(calls) == 1:
            raise GatewayError("HTTP 503 from the gateway")
        return real_refund(self, refund, request_id=request_id, created_by=created_by)

    monkeypatch.setattr(SandboxGateway, "refund", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)

    refund = Refund.objects.get()
    assert len(calls) == 2 and refund.status == RefundStatus.SUCCEEDED and refund.tries == 2
    assert list(refund.tries_made.values_list("outcome", flat=True)) == ["error", "succeeded"]
    assert refund.tries_made.first().message == "HTTP 503 from the gateway"
    assert reload(attempt).state == AttemptState.REFUNDED


def test_a_retry_first_asks_whether_the_earlier_request_got_through(
    monkeypatch, django_capture_on_commit_callbacks
):
    """A timeout after the bank did the refund: the retry finds it done (querydr) and asks nothing twice."""
    dossier, _attempt = paid_dossier()
    real_refund = SandboxGateway.refund
    calls = []

    def times_out_after_doing_it(self, refund, *, request_id, created_by):
        calls.append(request_id)
        real_refund(self, refund, request_id=request_id, created_by=created_by)
        raise GatewayError("read timeout")

    monkeypatch.setattr(SandboxGateway, "refund", times_out_after_doing_it)
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)

    refund = Refund.objects.get()
    assert len(calls) == 1 and refund.status == RefundStatus.SUCCEEDED
    assert refund.tries_made.last().message == "confirmed by querydr"


def test_after_the_last_retry_finance_staff_see_it_and_send_it_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    dossier, attempt = paid_dossier()

    def down(self, refund, *, request_id, created_by):
        raise GatewayError("gateway unreachable")

    monkeypatch.setattr(SandboxGateway, "refund", down)
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and refund.tries == tasks.REFUND_MAX_TRIES
    assert reload(attempt).state == AttemptState.REFUND_PENDING

    monkeypatch.undo()
    with pytest.raises(PermissionDenied):
        services.retry_refund(refund=refund, by=clerk_of(dossier))
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_refund(refund=refund, by=UserFactory(finance=True))
    assert reload(refund).status == RefundStatus.SUCCEEDED


def test_a_refusal_by_the_gateway_is_not_retried(monkeypatch, django_capture_on_commit_callbacks):
    dossier, _attempt = paid_dossier()
    calls = []

    def refused_by_bank(self, refund, *, request_id, created_by):
        calls.append(request_id)
        raise GatewayRejected("refund answered 95: transaction failed")

    monkeypatch.setattr(SandboxGateway, "refund", refused_by_bank)
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)
    refund = Refund.objects.get()
    assert len(calls) == 1 and refund.status == RefundStatus.FAILED and "95" in refund.last_error


def test_a_refund_is_sent_once_even_if_its_task_runs_twice(django_capture_on_commit_callbacks):
    dossier, _attempt = paid_dossier()
    refuse(dossier)  # the task is not run: its message is "in the broker"
    refund = Refund.objects.get()
    Refund.objects.filter(pk=refund.pk).update(sending_since=timezone.now())  # a worker holds it

    assert services.send_refund(refund_id=refund.pk) == "skipped"
    Refund.objects.filter(pk=refund.pk).update(sending_since=None)
    assert services.send_refund(refund_id=refund.pk) == "succeeded"
    assert services.send_refund(refund_id=refund.pk) == "skipped"
    assert reload(refund).tries_made.count() == 1


def test_a_refund_whose_task_was_lost_is_sent_by_the_sweeper(monkeypatch):
    dossier, _attempt = paid_dossier()
    refuse(dossier)  # on_commit never ran (the broker was down)
    refund = Refund.objects.get()
    assert services.stalled_refund_ids() == []
    Refund.objects.filter(pk=refund.pk).update(requested_at=timezone.now() - timezone.timedelta(minutes=30))

    assert tasks.resend_stalled_refunds.delay().get() == 1
    assert reload(refund).status == RefundStatus.SUCCEEDED


def test_backoff_grows_and_is_capped():
    assert [tasks.backoff(n) for n in range(8)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_the_voucher_pdf_carries_what_the_officer_signs(django_capture_on_commit_callbacks):
    dossier, attempt = paid_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        refuse(dossier)
    refund = Refund.objects.get()

    text = pdftotext(receipts.voucher_pdf(refund))

    for expected in [
        "GIẤY ĐỀ NGHỊ HOÀN TRẢ PHÍ, LỆ PHÍ ĐÃ NỘP",
        refund.voucher_number,
        dossier.applicant_name,
        dossier.applicant_id_number,
        attempt.txn_ref,
        attempt.gateway_transaction_no,
        "50.000 đồng",
        "Năm mươi nghìn đồng",
        "Từ chối tiếp nhận hồ sơ",
        "không thuộc địa bàn",
        dossier.code,
    ]:
        assert expected in text, expected
    assert dossier.state == State.SUBMITTED  # (the copy in hand, before the refusal)


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())
