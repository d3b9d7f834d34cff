"""Checks on uploaded files: size, type by content (not by extension), readable, not empty."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ACCEPTED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_upload(uploaded) -> CheckedFile:
    """Refuse what the one-stop shop could not read, so a dossier is never sent back for it."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": uploaded.name}, code="empty")
    limit = settings.DOSSIER_UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(limit)s MB: scan it at a lower resolution.")
            % {"name": uploaded.name, "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file (its content was checked, not just its name).")
            % {"name": uploaded.name},
            code="type",
        )
    if content_type == "application/pdf" and b"%%EOF" not in content[-2048:]:
        raise ValidationError(
            _("The PDF “%(name)s” is damaged or incomplete: save or scan it again.")
            % {"name": uploaded.name},
            code="damaged",
        )
    if content_type == "image/png" and b"IEND" not in content[-32:]:
        raise ValidationError(
            _("The image “%(name)s” is damaged or incomplete.") % {"name": uploaded.name}, code="damaged"
        )
    if content_type == "image/jpeg" and not content.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ValidationError(
            _("The image “%(name)s” is damaged or incomplete.") % {"name": uploaded.name}, code="damaged"
        )
    return CheckedFile(content_type=content_type, size=size, sha256=hashlib.sha256(content).hexdigest())
