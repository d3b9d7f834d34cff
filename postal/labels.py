"""The shipping label (phiếu gửi) the one-stop shop sticks on the parcel: sender, recipient with today's
commune and province, contents, weight, cash to collect, and the tracking number as text and QR code.
Printed in Vietnamese whatever the UI language (the postman reads it), 100 × 150 mm, with WeasyPrint."""

from common import clock, pdf
from common.money import vnd

from .models import DeliveryOrder


def label_context(order: DeliveryOrder) -> dict:
    agency = order.sender_agency
    dossier = order.dossier
    return {
        "order": order,
        "dossier": dossier,
        "agency": agency,
        "sender_place": agency.administrative_unit.name if agency.administrative_unit else "",
        "qr": pdf.qr_data_uri(order.tracking_number, svg=True, border=1),
        "cod": vnd(order.cod_amount) if order.cod_amount else "",
        "fees": vnd(order.fees_to_collect) if order.fees_to_collect else "",
        "postage": vnd(order.postage),
        "printed_at": clock.now(),
    }


def render_pdf(order: DeliveryOrder) -> bytes:
    return pdf.render_pdf("postal/label.html", label_context(order))


def filename(order: DeliveryOrder) -> str:
    return f"phieu-gui-{order.tracking_number}.pdf"
