"""The demo's payments (through the services and the sandbox bank) and the read-only admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from dossiers.models import Dossier, FeeSettlement, State
from payments.models import AttemptState, PaymentAttempt, Refund, RefundStatus
from tests.dossiers.staff_support import sign_in
from tests.factories import UserFactory
from tests.payments.support import filed, pay

pytestmark = pytest.mark.django_db


@pytest.mark.demo_content
def test_the_demo_has_paid_unpaid_and_refunded_dossiers_and_a_finance_officer(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())

    dossiers = Dossier.objects.exclude(state=State.DRAFT)
    assert dossiers.filter(fees_settlement=FeeSettlement.PAID_ONLINE).count() >= 5
    assert dossiers.filter(fees_settlement=FeeSettlement.PAID_AT_DESK, applicant__isnull=True).exists()
    unpaid = dossiers.filter(fee_total__gt=0, fees_settled_at__isnull=True)
    assert unpaid.filter(state=State.SUBMITTED).exists()
    # No fee due at filing is left unpaid on a dossier the one-stop shop received.
    assert not unpaid.exclude(state__in=[State.SUBMITTED, State.SUPPLEMENT_REQUESTED]).exists()
    refunded = dossiers.filter(fees_refunded_at__isnull=False)
    assert set(refunded.values_list("state", flat=True)) == {
        State.REFUSED,
        State.DENIED,
        State.STOPPED,
        State.WITHDRAWN,
    }
    assert Refund.objects.exclude(status=RefundStatus.SUCCEEDED).count() == 0
    assert PaymentAttempt.objects.filter(state=AttemptState.FAILED).exists()  # failed once, paid on retry
    assert User.objects.get(email="finance@demo.vn").role == Role.FINANCE


def test_superusers_read_payments_in_the_admin_and_change_nothing(client):
    pay(filed())
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    for name in ["paymentattempt", "refund", "ipnlog", "settlementfile", "reconciliationrun"]:
        assert client.get(reverse(f"admin:payments_{name}_changelist")).status_code == 200, name
    attempt = PaymentAttempt.objects.get()
    page = client.get(reverse("admin:payments_paymentattempt_change", args=[attempt.pk]))
    assert page.status_code == 200 and attempt.txn_ref in page.content.decode()
    assert client.get(reverse("admin:payments_paymentattempt_add")).status_code == 403
