"""The shipping label (phiếu gửi) the one-stop shop sticks on the parcel: sender, recipient with today's
commune and province, contents, weight, cash to collect, and the tracking number as text and QR code.
Printed in Vietnamese whatever the UI language (the postman reads it), 100 × 150 mm, with WeasyPrint."""

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dossiers.slips import vnd_text

from .models import DeliveryOrder


def qr_svg_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)


def label_context(order: DeliveryOrder) -> dict:
    agency = order.sender_agency
    dossier = order.dossier
    return {
        "order": order,
        "dossier": dossier,
        "agency": agency,
        "sender_place": agency.administrative_unit.name if agency.administrative_unit else "",
        "qr": qr_svg_data_uri(order.tracking_number),
        "cod": vnd_text(order.cod_amount) if order.cod_amount else "",
        "fees": vnd_text(order.fees_to_collect) if order.fees_to_collect else "",
        "postage": vnd_text(order.postage),
        "printed_at": timezone.now(),
    }


def render_html(order: DeliveryOrder) -> str:
    with translation.override("vi"):
        return render_to_string("postal/label.html", label_context(order))


def render_pdf(order: DeliveryOrder) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=render_html(order)).write_pdf()


def filename(order: DeliveryOrder) -> str:
    return f"phieu-gui-{order.tracking_number}.pdf"
