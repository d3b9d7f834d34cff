"""The electronic receipt of a payment and the refund voucher, as PDF (WeasyPrint, imported when printing).

Both are official Vietnamese documents: printed in Vietnamese whatever the UI language, amounts in figures
and in words. The voucher carries everything a state-budget refund needs (the payment transaction, amount,
payer, the decision and its reason), so the officer who signs it fills in nothing."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from dossiers import slips

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
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _hundreds(number: int, full: bool) -> list[str]:
    """0–999 in words; `full` when a higher group precedes it ("không trăm lẻ năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def vnd_in_words(amount: int) -> str:
    """Số tiền bằng chữ: 37500 → "Ba mươi bảy nghìn năm trăm đồng"."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words, started = [], False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _hundreds(group, full=started)
        if GROUPS[index]:
            words.append(GROUPS[index])
        started = True
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _common(dossier) -> dict:
    url = slips.lookup_url(dossier)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "agency": dossier.receiving_agency,
        "lookup_url": url,
        "qr": slips.qr_data_uri(url),
        "printed_at": timezone.now(),
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


def render_html(template: str, context: dict) -> str:
    with translation.override("vi"):
        return render_to_string(template, context)


def render_pdf(template: str, context: dict) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=render_html(template, context)).write_pdf()


def receipt_pdf(attempt: PaymentAttempt) -> bytes:
    return render_pdf("payments/receipt.html", receipt_context(attempt))


def voucher_pdf(refund: Refund) -> bytes:
    return render_pdf("payments/voucher.html", voucher_context(refund))
