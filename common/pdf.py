"""Printed documents (slips, receipts, vouchers, shipping labels): a template rendered in Vietnamese to HTML
and to PDF with WeasyPrint, and the QR code they carry."""

import segno
from django.template.loader import render_to_string
from django.utils import translation


def render_html(template: str, context: dict) -> str:
    """Official documents are printed in Vietnamese whatever the UI language."""
    with translation.override("vi"):
        return render_to_string(template, context)


def render_pdf(template: str, context: dict) -> bytes:
    """One document as PDF; WeasyPrint is imported here, when printing (a quarter of a second cold)."""
    import weasyprint

    return weasyprint.HTML(string=render_html(template, context)).write_pdf()


def qr_data_uri(text: str, *, svg: bool = False, border: int = 2) -> str:
    """A QR code (error correction M) as a data URI for an <img>: PNG, or SVG for a label printed small."""
    code = segno.make(text, error="m")
    if svg:
        return code.svg_data_uri(scale=4, border=border)
    return code.png_data_uri(scale=4, border=border)
