"""How the portal hands over files: personal data, so never cached by a browser or a proxy and never sniffed
into another type.

Two kinds. A document the portal generated (slip, receipt, label, register): `private_download`, PDFs shown
in the browser. A file a person uploaded: `user_file`, which the portal's origin must never let run —
`Content-Security-Policy: sandbox` (a sandboxed, origin-less document: no script, no cookies, no forms),
`Cross-Origin-Resource-Policy: same-origin`, and `attachment` for PDFs (the reader opens them outside the
portal's origin); JPEG and PNG may open in a tab (a browser renders an image, it runs nothing).

The portal's own CSP middleware (django-csp) would add the site-wide policy to these responses; the
responses are marked exempt (`_csp_exempt`, what django-csp's `@csp_exempt()` sets) so the sandbox policy
is the only one sent."""

from typing import IO

from django.http import FileResponse, HttpResponse, HttpResponseBase

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Uploaded types a browser may show inline: images only, and only with the sandbox policy.
INLINE_USER_TYPES = {"image/jpeg", "image/png"}
USER_TYPES = {PDF, *INLINE_USER_TYPES}
SANDBOX = "sandbox"


def private_download(content: bytes, *, filename: str, content_type: str = PDF) -> HttpResponse:
    """PDFs open in the browser (inline); anything else is saved as a file."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def user_file(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A file someone uploaded: sandboxed, not sniffed, not cached, not embeddable by other sites; a
    download unless it is an image. A type the portal does not accept is sent as opaque bytes."""
    inline = content_type in INLINE_USER_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type if content_type in USER_TYPES else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    sandboxed(response)
    return response


def sandboxed(response: HttpResponseBase) -> HttpResponseBase:
    """`Content-Security-Policy: sandbox`, kept as it is by the site-wide CSP middleware."""
    response["Content-Security-Policy"] = SANDBOX
    response._csp_exempt = True  # type: ignore[attr-defined]
    response._csp_exempt_ro = True  # type: ignore[attr-defined]
    return response
