"""Helpers of the payments tests: a procedure with a fee, a dossier filed online through the services, the
sandbox bank's answer to a payment, a fake HTTP transport for the gateway API."""

import datetime
import secrets
from zoneinfo import ZoneInfo

from dossiers import services as dossier_services
from dossiers.models import Dossier
from payments import gateways, sandbox_bank
from payments import services as payment_services
from payments.models import IpnSource, PaymentAttempt
from procedures.models import FeePaymentStage
from tests.factories import (
    AgencyFactory,
    CitizenProfileFactory,
    ProcedureFeeFactory,
    ProcedureVersionFactory,
    filed_dossier,
    staff_member,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RETURN_URL = "http://testserver/payments/return/sandbox/"


def vn(year, month, day, hour=9, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=VN)


def fee_version(amount=50_000, *, discount=0, stage=FeePaymentStage.AT_FILING, agency=None, **kwargs):
    version = ProcedureVersionFactory(
        published=True, fee_payment_stage=stage, agencies=[agency or AgencyFactory()], **kwargs
    )
    ProcedureFeeFactory(version=version, amount=amount, online_discount_percent=discount)
    return version


def filed(version=None, applicant=None) -> Dossier:
    """A dossier filed online that owes its fee (50.000 đ unless the version says otherwise)."""
    version = version or fee_version()
    applicant = applicant or CitizenProfileFactory().user
    return filed_dossier(version=version, applicant=applicant)


def clerk_of(dossier: Dossier):
    return staff_member(dossier.receiving_agency, full_name="Phạm Thu Hà")


def key() -> str:
    return secrets.token_urlsafe(24)


def reload(instance):
    return type(instance).objects.get(pk=instance.pk)


def start(dossier: Dossier, payer=None, idempotency_key=None) -> PaymentAttempt:
    return payment_services.start_payment(
        dossier=dossier,
        payer=payer or dossier.applicant,
        idempotency_key=key() if idempotency_key is None else idempotency_key,
        payer_ip="113.160.92.202",
    )


def bank_answer(attempt: PaymentAttempt, choice="success") -> dict[str, str]:
    """What the sandbox bank sends back (browser return and notification alike) for the payer's choice."""
    gateway = gateways.get(attempt.gateway)
    return sandbox_bank.pay(gateway.signed_payment_params(attempt, return_url=RETURN_URL), choice)


def notify_portal(params: dict, gateway="sandbox", source=IpnSource.HTTP):
    return payment_services.handle_notification(gateway_code=gateway, params=params, source=source)


def pay(dossier: Dossier, choice="success") -> PaymentAttempt:
    """The whole path: start, the bank's page, its signed notification."""
    attempt = start(dossier)
    notify_portal(bank_answer(attempt, choice), source=IpnSource.SANDBOX)
    return reload(attempt)


def receive(dossier: Dossier, clerk=None):
    return dossier_services.receive(dossier=reload(dossier), clerk=clerk or clerk_of(dossier))


class FakeTransport:
    """Stands in for HTTP: records each request, answers from a script (a dict, an exception to raise,
    or a callable taking the request)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def post_json(self, url, payload):
        self.requests.append((url, dict(payload)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(payload) if callable(answer) else answer
