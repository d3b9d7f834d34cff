"""At the same moment, on PostgreSQL (threads, one connection each): the same notification 50 times records
one payment; a double click makes one attempt; a notification and a refusal do not deadlock."""

import pytest

from dossiers import services as dossier_services
from dossiers.models import State
from notifications.models import Channel, Notification
from payments import services
from payments.models import AttemptState, IpnLog, PaymentAttempt, Refund
from tests.dossiers.factories_core import run_in_threads
from tests.payments.support import bank_answer, clerk_of, filed, key, notify_portal, reload, start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_same_notification_fifty_times_at_once_records_one_payment():
    dossier = filed()
    attempt = start(dossier)
    params = bank_answer(attempt)

    answers, errors = run_in_threads(50, lambda _i: notify_portal(params).rsp_code)

    assert not errors, errors
    assert sorted(answers) == ["00"] + ["02"] * 49
    attempt, dossier = reload(attempt), reload(dossier)
    assert attempt.state == AttemptState.PAID
    assert dossier.fees_reference == attempt.txn_ref
    assert dossier.events.filter(action="pay_fees").count() == 1
    assert Notification.objects.filter(event="payment_received", channel=Channel.PORTAL).count() == 1
    assert IpnLog.objects.filter(outcome="paid").count() == 1 and IpnLog.objects.count() == 50


def test_a_double_click_from_two_requests_at_once_makes_one_attempt():
    dossier = filed()
    same = key()

    results, errors = run_in_threads(
        2,
        lambda _i: services.start_payment(dossier=dossier, payer=dossier.applicant, idempotency_key=same).pk,
    )

    assert not errors, errors
    assert len(set(results)) == 1 and PaymentAttempt.objects.count() == 1


def test_a_notification_and_a_refusal_at_the_same_moment_end_consistent():
    dossier = filed()
    clerk = clerk_of(dossier)
    attempt = start(dossier)
    params = bank_answer(attempt)

    def act(index):
        if index == 0:
            return notify_portal(params).rsp_code
        return dossier_services.refuse(dossier=reload(dossier), clerk=clerk, reason="Ngoài thẩm quyền").state

    results, errors = run_in_threads(2, act)

    assert not errors, errors
    assert sorted(results) == ["00", State.REFUSED]
    attempt = reload(attempt)
    # Whichever came first, the money is recorded and goes back.
    assert attempt.state in {AttemptState.REFUND_PENDING, AttemptState.REFUNDED}
    assert Refund.objects.filter(attempt=attempt).count() == 1
