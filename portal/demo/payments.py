"""Demo payments, through the same services and the same sandbox bank as the pages: the applicant starts a
payment, the sandbox bank records the choice (success, or a failure first) and its signed notification is
handled as the IPN endpoint handles it. Walk-ins without an account pay at the desk (the clerk records the
receipt). Dossiers refused, denied, stopped or withdrawn after paying get their refund from the portal
itself, after the demo's transaction commits (dossier hook → refund → Celery task).

With PAYMENT_GATEWAY=vnpay (no sandbox bank) every demo fee is recorded as paid at the desk."""

import secrets

from django.urls import reverse

from common.links import absolute_url
from dossiers.models import Channel, Dossier
from payments import gateways, sandbox_bank
from payments import services as payment_services
from payments.models import IpnSource
from procedures.models import FeePaymentStage


def _attempt(dossier: Dossier, choice: str) -> None:
    attempt = payment_services.start_payment(
        dossier=dossier,
        payer=dossier.applicant,
        idempotency_key=secrets.token_urlsafe(24),
        payer_ip="127.0.0.1",
    )
    gateway = gateways.get(attempt.gateway)
    return_url = absolute_url(reverse("payments:return", args=[attempt.gateway]))
    result = sandbox_bank.pay(gateway.signed_payment_params(attempt, return_url=return_url), choice)
    payment_services.handle_notification(
        gateway_code=attempt.gateway, params=result, source=IpnSource.SANDBOX
    )


def pay(demo, dossier: Dossier, *, fail_first: bool = False) -> Dossier:
    """The fees settled as the applicant would: online through the sandbox bank, or at the desk."""
    dossier = demo.reload(dossier)
    if not dossier.fees_outstanding():
        return dossier
    online = dossier.applicant is not None and dossier.channel == Channel.ONLINE
    if online and "sandbox" in gateways.enabled_codes():
        if fail_first:
            _attempt(dossier, "failure")
        _attempt(dossier, "success")
    else:
        payment_services.record_desk_payment(
            dossier=dossier, clerk=demo.clerk, receipt_number=f"BL-{dossier.pk:06d}"
        )
    return demo.reload(dossier)


def pay_before_receipt(demo, dossier: Dossier) -> Dossier:
    """Fees due at filing are settled before the one-stop shop receives the dossier."""
    if dossier.procedure_version.fee_payment_stage != FeePaymentStage.AT_FILING:
        return dossier
    return pay(demo, dossier, fail_first=dossier.pk % 4 == 0)
