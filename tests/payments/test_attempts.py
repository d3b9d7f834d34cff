"""Starting a payment (idempotency key, who may pay, what is due) and what becomes of attempts left pending:
the gateway is asked after 15 minutes, and an unpaid one past its expiry is expired."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dossiers import services as dossier_services
from dossiers.models import State
from payments import gateways, services, tasks
from payments.gateways import GatewayError
from payments.models import AttemptState, IpnLog, IpnOutcome, PaymentAttempt
from tests.factories import CitizenProfileFactory, ProcedureVersionFactory, filed_dossier
from tests.payments.support import (
    bank_answer,
    clerk_of,
    fee_version,
    filed,
    key,
    notify_portal,
    pay,
    reload,
    start,
)

pytestmark = pytest.mark.django_db


# --- starting ---------------------------------------------------------------------------------------------
def test_the_amount_is_the_fee_of_the_version_filed_under_with_the_online_discount():
    dossier = filed(fee_version(75_000, discount=50))
    attempt = start(dossier)
    assert dossier.fee_total == 37_500 and attempt.amount == 37_500
    assert attempt.state == AttemptState.PENDING and attempt.gateway == "sandbox"
    assert attempt.expires_at - attempt.created_at == datetime.timedelta(minutes=15)
    assert attempt.order_info == f"Thanh toan phi le phi ho so {dossier.code}"


def test_the_same_idempotency_key_gives_the_same_attempt_never_two():
    dossier = filed()
    same = key()
    first = start(dossier, idempotency_key=same)
    second = start(reload(dossier), idempotency_key=same)
    assert first.pk == second.pk and PaymentAttempt.objects.count() == 1


def test_a_new_attempt_cancels_the_pending_one():
    dossier = filed()
    first = start(dossier)
    second = start(reload(dossier))
    assert reload(first).state == AttemptState.CANCELLED and second.state == AttemptState.PENDING
    assert first.txn_ref != second.txn_ref


def test_a_key_used_for_another_dossier_is_refused():
    applicant = CitizenProfileFactory().user
    one, other = filed(applicant=applicant), filed(applicant=applicant)
    same = key()
    start(one, idempotency_key=same)
    with pytest.raises(ValidationError):
        start(other, idempotency_key=same)


@pytest.mark.parametrize("bad_key", ["", "short", "x" * 65, "has spaces in it, sixteen+"])
def test_a_missing_or_malformed_key_is_refused(bad_key):
    with pytest.raises(ValidationError, match="expired"):
        start(filed(), idempotency_key=bad_key)
    assert not PaymentAttempt.objects.exists()


def test_a_citizen_cannot_pay_for_another_persons_dossier():
    dossier = filed()
    stranger = CitizenProfileFactory().user
    with pytest.raises(PermissionDenied):
        start(dossier, payer=stranger)
    assert not PaymentAttempt.objects.exists()


def test_nothing_to_pay_when_no_fee_is_due_when_paid_or_when_closed():
    free = filed_dossier(version=ProcedureVersionFactory(published=True))
    with pytest.raises(ValidationError, match="No fee"):
        start(free)
    paid = filed()
    pay(paid)
    with pytest.raises(ValidationError, match="already settled"):
        start(reload(paid))
    withdrawn = filed()
    dossier_services.withdraw(dossier=withdrawn, by=withdrawn.applicant)
    with pytest.raises(ValidationError, match="no payment now"):
        start(reload(withdrawn))


# --- attempts left pending --------------------------------------------------------------------------------
@pytest.fixture
def later(monkeypatch):
    """Moves the clock forward from now by the given minutes."""
    real_now = timezone.now

    def move(minutes):
        moment = real_now() + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return move


def test_a_lost_notification_is_recovered_by_querying_the_gateway(later):
    """The citizen paid, the notification never arrived: 15 minutes on, querydr finds the payment."""
    dossier = filed()
    attempt = start(dossier)
    bank_answer(attempt)  # the bank took the money; its notification is lost
    later(16)

    assert services.stale_attempt_ids() == [attempt.pk]
    assert tasks.query_stale_attempts.delay().get() == {IpnOutcome.PAID: 1}

    attempt = reload(attempt)
    assert attempt.state == AttemptState.PAID and attempt.gateway_transaction_no
    assert reload(dossier).fees_reference == attempt.txn_ref
    assert IpnLog.objects.get().source == "query"


def test_an_attempt_the_gateway_never_saw_is_expired_after_its_window(later):
    attempt = start(filed())
    later(10)
    assert services.stale_attempt_ids() == []  # not 15 minutes old yet
    later(16)
    assert services.check_attempt(attempt_id=attempt.pk) == "expired"
    attempt = reload(attempt)
    assert attempt.state == AttemptState.EXPIRED and attempt.closed_at


def test_a_failure_at_the_bank_found_by_the_query_is_recorded(later):
    attempt = start(filed())
    bank_answer(attempt, "failure")
    later(16)
    assert services.check_attempt(attempt_id=attempt.pk) == IpnOutcome.FAILED
    assert reload(attempt).state == AttemptState.FAILED


def test_a_gateway_that_does_not_answer_leaves_the_attempt_pending_and_asks_again_later(later, monkeypatch):
    attempt = start(filed())
    later(20)

    def unreachable(self, attempt, *, request_id):
        raise GatewayError("timeout")

    monkeypatch.setattr(gateways.SandboxGateway, "query", unreachable)
    assert services.check_attempt(attempt_id=attempt.pk) == "error"
    assert reload(attempt).state == AttemptState.PENDING
    assert services.stale_attempt_ids() == []  # asked a moment ago
    later(26)
    assert services.stale_attempt_ids() == [attempt.pk]


def test_an_expired_attempt_cannot_be_paid_at_the_sandbox_bank(later):
    dossier = filed()
    attempt = start(dossier)
    later(16)
    params = bank_answer(attempt, "success")
    assert params["vnp_ResponseCode"] == "11"
    assert notify_portal(params).rsp_code == "00"
    assert reload(attempt).state == AttemptState.FAILED and reload(dossier).fees_settled_at is None


def test_closing_a_dossier_cancels_its_pending_attempt():
    dossier = filed()
    attempt = start(dossier)
    dossier_services.refuse(dossier=reload(dossier), clerk=clerk_of(dossier), reason="Ngoài thẩm quyền")
    assert reload(dossier).state == State.REFUSED
    assert reload(attempt).state == AttemptState.CANCELLED
