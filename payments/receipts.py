"""The electronic receipt of a payment and the refund voucher, as PDF (WeasyPrint, imported when printing).

Both are official Vietnamese documents: printed in Vietnamese whatever the UI language, amounts in figures
and in words. The voucher carries everything a state-budget refund needs (the payment transaction, amount,
payer, the decision and its reason), so the officer who signs it fills in nothing."""

from common import clock, pdf
from common.money import vnd, vnd_in_words
from dossiers import selectors as dossier_selectors

from . import selectors
from .models import Gateway, PaymentAttempt, Refund, RefundDecision

GATEWAY_VI = {Gateway.SANDBOX: "ngân hàng thử nghiệm (sandbox)", Gateway.VNPAY: "Cổng thanh toán VNPAY"}
DECISION_VI = {
    RefundDecision.REFUSED: "Từ chối tiếp nhận hồ sơ",
    RefundDecision.DENIED: "Từ chối giải quyết hồ sơ",
    RefundDecision.STOPPED: "Dừng xử lý hồ sơ",
    RefundDecision.WITHDRAWN: "Người nộp rút hồ sơ",
    RefundDecision.NOT_DUE: "Khoản nộp không phải thu (nộp trùng, được miễn hoặc hồ sơ đã kết thúc)",
}


def _common(dossier) -> dict:
    url = dossier_selectors.lookup_url(dossier)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "agency": dossier.receiving_agency,
        "lookup_url": url,
        "qr": pdf.qr_data_uri(url),
        "printed_at": clock.now(),
    }


def receipt_context(attempt: PaymentAttempt) -> dict:
    dossier = attempt.dossier
    refund = getattr(attempt, "refund", None)
    return {
        **_common(dossier),
        "attempt": attempt,
        "issued_at": attempt.paid_at,
        "gateway": GATEWAY_VI[attempt.gateway],
        "lines": [{"line": line, "due": vnd(line.due)} for line in selectors.fee_lines(dossier)],
        "total": vnd(attempt.amount),
        "total_words": vnd_in_words(attempt.amount),
        "refund": refund,
    }


def voucher_context(refund: Refund) -> dict:
    attempt = refund.attempt
    return {
        **_common(refund.dossier),
        "refund": refund,
        "attempt": attempt,
        "issued_at": refund.requested_at,
        "gateway": GATEWAY_VI[attempt.gateway],
        "decision": DECISION_VI[refund.decision],
        "amount": vnd(refund.amount),
        "amount_words": vnd_in_words(refund.amount),
    }


def receipt_pdf(attempt: PaymentAttempt) -> bytes:
    return pdf.render_pdf("payments/receipt.html", receipt_context(attempt))


def voucher_pdf(refund: Refund) -> bytes:
    return pdf.render_pdf("payments/voucher.html", voucher_context(refund))
