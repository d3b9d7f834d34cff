"""How the portal hands over a generated document (slip, receipt, label, register): personal data, so it
is never cached by a browser or a proxy and never sniffed into another type."""

from django.http import HttpResponse

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def private_download(content: bytes, *, filename: str, content_type: str = PDF) -> HttpResponse:
    """PDFs open in the browser (inline); anything else is saved as a file."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
