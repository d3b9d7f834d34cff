"""Checks on uploaded files: size, type by content (not by extension), readable, not empty, and nothing a
reader would run or choke on (common.pdf_safety). The stored file's extension and the name shown and
downloaded come from the type the content was found to be, never from the name the browser sent."""

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import UPLOAD_EXTENSIONS

# Accepted types and the extension a stored file of each type gets.
ACCEPTED = UPLOAD_EXTENSIONS
# The client's own extension is kept when it names the type the content is.
KNOWN_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
NAME_STEM_MAX = 120


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    name: str  # safe to show and to send as a download name; its extension matches content_type

    @property
    def extension(self) -> str:
        return ACCEPTED[self.content_type]


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def safe_name(raw: str | None, content_type: str | None = None) -> str:
    """The browser's file name made harmless: no folders, no control or direction-override characters,
    spaces folded, the stem shortened; with `content_type`, the extension is that type's."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split()).rstrip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .")[:NAME_STEM_MAX].strip(" .") or "tai-lieu"
    extension = f".{extension.lower()}" if extension else ""
    if content_type is None:
        return stem + extension[:10]
    if extension not in KNOWN_EXTENSIONS[content_type]:
        extension = ACCEPTED[content_type]
    return stem + extension


def _refuse(message: str, name: str, code: str, **more: object) -> ValidationError:
    shown = Truncator(name).chars(60)
    return ValidationError(message % {"name": shown, **more}, code=code)


def check_upload(uploaded) -> CheckedFile:
    """Refuse what the one-stop shop could not read or should not open, so a dossier is never sent back
    for it and no clerk's reader runs what a file carries. Every refusal says what to do instead."""
    name = safe_name(uploaded.name)
    size = uploaded.size or 0
    if size == 0:
        raise _refuse(_("The file “%(name)s” is empty."), name, "empty")
    limit = settings.DOSSIER_UPLOAD_MAX_BYTES
    if size > limit:
        raise _refuse(
            _("The file “%(name)s” is larger than %(limit)s MB: scan it at a lower resolution."),
            name,
            "too_large",
            limit=limit // (1024 * 1024),
        )
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise _refuse(
            _("“%(name)s” is not a PDF, JPEG or PNG file (its content was checked, not just its name)."),
            name,
            "type",
        )
    if content_type == "application/pdf":
        _check_pdf(content, name)
    else:
        _check_image(content, content_type, name)
    return CheckedFile(
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(content).hexdigest(),
        name=safe_name(uploaded.name, content_type),
    )


def _pdf_messages() -> dict[str, str]:
    from common import pdf_safety

    again = _(
        "Print it to a new PDF (Print → Save as PDF) or scan the paper document, then upload that file."
    )
    Problem = pdf_safety.Problem
    return {
        Problem.DAMAGED: _("The PDF “%(name)s” is damaged or incomplete: save or scan it again."),
        Problem.ENCRYPTED: _(
            "The PDF “%(name)s” is protected by a password, so the office could not open it. Remove the "
            "password, or print it to a new PDF, and upload it again."
        ),
        Problem.SCRIPT: _(
            "The PDF “%(name)s” contains scripts (JavaScript), which are not accepted for safety."
        )
        + " "
        + again,
        Problem.LAUNCH: _(
            "The PDF “%(name)s” contains a command that opens other programs or files, which is not accepted "
            "for safety."
        )
        + " "
        + again,
        Problem.EMBEDDED_FILE: _(
            "The PDF “%(name)s” has other files hidden inside it, which are not accepted. Upload each "
            "document as a file of its own."
        )
        + " "
        + again,
        Problem.TOO_LARGE_INFLATED: _(
            "The PDF “%(name)s” holds compressed content that becomes far too large when opened, so it "
            "cannot be checked."
        )
        + " "
        + again,
    }


def _check_pdf(content: bytes, name: str) -> None:
    from common import pdf_safety  # pikepdf: loaded when a PDF is checked

    if b"%%EOF" not in content[-2048:]:
        raise _refuse(
            _("The PDF “%(name)s” is damaged or incomplete: save or scan it again."), name, "damaged"
        )
    limits = pdf_safety.Limits(
        max_stream_bytes=settings.DOSSIER_UPLOAD_PDF_MAX_STREAM_BYTES,
        max_total_bytes=settings.DOSSIER_UPLOAD_PDF_MAX_INFLATED_BYTES,
        max_image_pixels=settings.DOSSIER_UPLOAD_MAX_IMAGE_PIXELS,
    )
    problem = pdf_safety.problem_with(content, limits)
    if problem is not None:
        raise _refuse(_pdf_messages()[problem], name, problem.value)


def _check_image(content: bytes, content_type: str, name: str) -> None:
    from PIL import Image, UnidentifiedImageError

    damaged = _("The image “%(name)s” is damaged or incomplete.")
    if content_type == "image/png" and b"IEND" not in content[-32:]:
        raise _refuse(damaged, name, "damaged")
    if content_type == "image/jpeg" and not content.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _refuse(damaged, name, "damaged")
    too_large = _(
        "The image “%(name)s” has too many pixels (more than %(limit)s million): take the photo or scan it "
        "again at a lower resolution."
    )
    limit = settings.DOSSIER_UPLOAD_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:  # reads the header only
                width, height = image.size
    except Image.DecompressionBombError:
        raise _refuse(too_large, name, "too_many_pixels", limit=limit // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _refuse(damaged, name, "damaged") from None
    if width * height > limit:
        raise _refuse(too_large, name, "too_many_pixels", limit=limit // 1_000_000)
