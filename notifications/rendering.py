"""The text of a notification: one template per event and channel, rendered in the recipient's language.

templates/notifications/<channel>/<event>.txt — for email and the portal the first line is the subject and
the rest the body; an SMS is the whole text on one line. Msgids are English; the Vietnamese is in
locale/vi/LC_MESSAGES/django.po.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Channel


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def render(*, event: str, channel: str, context: dict, language: str) -> Message:
    with translation.override(language):
        text = render_to_string(f"notifications/{channel}/{event}.txt", context)
    # One space between words whatever the template's joins and the typed text (a reason) hold.
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    if channel == Channel.SMS:
        body = " ".join(line for line in lines if line)
        if not settings.SMS_UNICODE:
            body = unaccent(body)
        return Message(subject="", body=body)
    subject, rest = lines[0], "\n".join(lines[1:])
    return Message(subject=subject[:255], body=re.sub(r"\n{3,}", "\n\n", rest).strip())


def unaccent(text: str) -> str:
    """Vietnamese without diacritics: brand-name SMS routes in Vietnam mostly accept only unaccented text,
    and a Unicode SMS holds 70 characters instead of 160."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
