"""The gateway's notification (IPN): checksum, order, amount, still pending, update — and the answers 00, 01,
02, 04, 97, 99. Idempotent, logged, never lost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import services as dossier_services
from dossiers.models import FeeSettlement, State
from notifications.models import Channel, Notification
from payments.gateways.sandbox import hash_secret
from payments.gateways.vnpay import hash_data, hmac_sha512
from payments.models import AttemptState, IpnLog, IpnOutcome, PaymentAttempt, Refund, RefundDecision
from tests.payments.support import bank_answer, clerk_of, filed, notify_portal, pay, reload, start

pytestmark = pytest.mark.django_db


def resign(params: dict) -> dict:
    """The bank's answer with some fields changed and signed again with the right secret (a genuine
    notification whose content differs: wrong amount, unknown order…)."""
    fields = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    return {**fields, "vnp_SecureHash": hmac_sha512(hash_secret(), hash_data(fields))}


def test_a_paid_notification_records_the_payment_settles_the_dossier_and_tells_the_citizen():
    dossier = filed()
    attempt = start(dossier)

    answer = notify_portal(bank_answer(attempt))

    assert answer.as_json() == {"RspCode": "00", "Message": "Confirm Success"}
    attempt, dossier = reload(attempt), reload(dossier)
    assert attempt.state == AttemptState.PAID and attempt.paid_at and attempt.gateway_transaction_no
    assert attempt.response_code == "00" and attempt.transaction_status == "00" and attempt.bank_code == "NCB"
    assert dossier.fees_settlement == FeeSettlement.PAID_ONLINE and dossier.fees_reference == attempt.txn_ref
    assert dossier.events.filter(action="pay_fees", actor=dossier.applicant).count() == 1
    assert Notification.objects.filter(recipient=dossier.applicant, event="payment_received").exists()
    log = IpnLog.objects.get()
    assert (log.outcome, log.rsp_code, log.attempt, log.flagged) == (IpnOutcome.PAID, "00", attempt, False)


def test_a_replay_answers_02_and_changes_nothing():
    dossier = filed()
    attempt = start(dossier)
    params = bank_answer(attempt)
    notify_portal(params)
    before = (reload(attempt).paid_at, reload(dossier).lock_version, dossier.events.count())

    answer = notify_portal(params)

    assert answer.rsp_code == "02" and answer.message == "Order already confirmed"
    assert (reload(attempt).paid_at, reload(dossier).lock_version, dossier.events.count()) == before
    assert Notification.objects.filter(event="payment_received", channel=Channel.PORTAL).count() == 1
    assert list(IpnLog.objects.order_by("pk").values_list("outcome", flat=True)) == ["paid", "replay"]


def test_a_bad_signature_answers_97_and_changes_nothing():
    attempt = start(filed())
    params = bank_answer(attempt)
    params["vnp_Amount"] = "100"  # tampered after signing

    assert notify_portal(params).rsp_code == "97"
    assert reload(attempt).state == AttemptState.PENDING
    assert IpnLog.objects.get().outcome == IpnOutcome.BAD_SIGNATURE


def test_an_unknown_order_answers_01():
    attempt = start(filed())
    params = resign({**bank_answer(attempt), "vnp_TxnRef": "260101FFFFFFFFFF"})

    assert notify_portal(params).rsp_code == "01"
    assert reload(attempt).state == AttemptState.PENDING


def test_a_wrong_amount_answers_04_and_is_flagged():
    dossier = filed()
    attempt = start(dossier)
    params = resign({**bank_answer(attempt), "vnp_Amount": str(10_000 * 100)})

    assert notify_portal(params).rsp_code == "04"
    assert reload(attempt).state == AttemptState.PENDING and reload(dossier).fees_settled_at is None
    log = IpnLog.objects.get()
    assert log.outcome == IpnOutcome.BAD_AMOUNT and log.flagged


def test_a_failed_payment_is_recorded_and_the_citizen_can_pay_again():
    dossier = filed()
    attempt = start(dossier)

    assert notify_portal(bank_answer(attempt, "failure")).rsp_code == "00"

    assert reload(attempt).state == AttemptState.FAILED and reload(dossier).fees_settled_at is None
    retry = pay(reload(dossier))
    assert retry.pk != attempt.pk and retry.state == AttemptState.PAID
    assert reload(dossier).fees_reference == retry.txn_ref


def test_success_needs_both_codes_at_00():
    dossier = filed()
    attempt = start(dossier)
    params = resign({**bank_answer(attempt), "vnp_TransactionStatus": "02"})

    assert notify_portal(params).rsp_code == "00"
    assert reload(attempt).state == AttemptState.FAILED and reload(dossier).fees_settled_at is None


def test_an_error_answers_99_rolls_back_and_the_gateway_may_send_it_again(monkeypatch):
    dossier = filed()
    attempt = start(dossier)
    params = bank_answer(attempt)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(dossier_services, "settle_fees", broken)
    assert notify_portal(params).rsp_code == "99"
    assert reload(attempt).state == AttemptState.PENDING
    assert IpnLog.objects.get().outcome == IpnOutcome.ERROR

    monkeypatch.undo()
    assert notify_portal(params).rsp_code == "00"
    assert reload(attempt).state == AttemptState.PAID


def test_a_notification_for_a_gateway_that_is_not_enabled_is_refused(settings):
    attempt = start(filed())
    params = bank_answer(attempt)
    settings.PAYMENT_GATEWAY = "vnpay"

    assert notify_portal(params, gateway="sandbox").rsp_code == "97"
    assert reload(attempt).state == AttemptState.PENDING


# --- money that arrives when nothing is due: recorded, flagged, given back ---------------------------------
def test_a_payment_for_an_expired_attempt_is_recorded_flagged_and_settles_the_fees():
    dossier = filed()
    attempt = start(dossier)
    params = bank_answer(attempt)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        state=AttemptState.EXPIRED, closed_at=attempt.expires_at
    )

    assert notify_portal(params).rsp_code == "00"

    attempt = reload(attempt)
    assert attempt.state == AttemptState.PAID and attempt.flagged and "hết hạn" in attempt.flag_reason
    assert reload(dossier).fees_reference == attempt.txn_ref
    log = IpnLog.objects.get()
    assert log.outcome == IpnOutcome.LATE_PAYMENT and log.flagged


def test_paying_twice_refunds_the_second_payment(django_capture_on_commit_callbacks):
    dossier = filed()
    first, second = start(dossier), None
    first_answer = bank_answer(first)
    second = start(reload(dossier))  # a second tab: the first attempt is cancelled…
    assert reload(first).state == AttemptState.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        notify_portal(bank_answer(second))
        notify_portal(first_answer)  # …but the payer finished it at the bank anyway

    first, second = reload(first), reload(second)
    assert reload(dossier).fees_reference == second.txn_ref
    assert first.flagged and "Thanh toán trùng" in first.flag_reason
    assert first.state == AttemptState.REFUNDED
    refund = Refund.objects.get(attempt=first)
    assert refund.decision == RefundDecision.NOT_DUE and refund.status == "succeeded"
    assert reload(dossier).fees_refunded_at is None  # the fees stay paid, by the second payment


def test_money_for_a_refused_dossier_goes_back(django_capture_on_commit_callbacks):
    dossier = filed()
    attempt = start(dossier)
    params = bank_answer(attempt)
    dossier_services.refuse(dossier=reload(dossier), clerk=clerk_of(dossier), reason="Không thuộc thẩm quyền")
    assert reload(attempt).state == AttemptState.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_portal(params).rsp_code == "00"

    attempt = reload(attempt)
    assert attempt.flagged and attempt.state == AttemptState.REFUNDED
    assert reload(dossier).state == State.REFUSED and reload(dossier).fees_settled_at is None


# --- cost of one notification ------------------------------------------------------------------------------
def test_handling_a_notification_costs_a_fixed_number_of_queries():
    attempt = start(filed())
    params = bank_answer(attempt)

    with CaptureQueriesContext(connection) as first:
        assert notify_portal(params).rsp_code == "00"
    with CaptureQueriesContext(connection) as replay:
        assert notify_portal(params).rsp_code == "02"

    # paid: savepoint, find, lock dossier, lock attempt (with dossier, version, payer, profile), save it;
    # settle_fees (savepoints, lock, save, the previous audit row's chain hash, audit row; the calendar for
    # the 8-hour answer clock is cached);
    # notify (one row per channel; a repeat is refused by the unique dedupe key); the national portal sync's
    # outbox rows (one bulk insert, national_sync's dossier hook); log.
    assert len(first) == PAID_QUERIES, [q["sql"][:90] for q in first.captured_queries]
    assert len(replay) == REPLAY_QUERIES, [q["sql"][:90] for q in replay.captured_queries]


PAID_QUERIES = 21
REPLAY_QUERIES = 6
