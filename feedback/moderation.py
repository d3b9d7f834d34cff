"""Two text checks on feedback before anything is shown to the public.

- Offensive words: the text is folded (lower case, no diacritics, đ → d) and searched for the phrases of
  OFFENSIVE_PHRASES (plus settings.FEEDBACK_OFFENSIVE_PHRASES). A hit holds the item for staff moderation; the
  item is still received and answered, never dropped. Folding makes "Đồ ngu" and "do ngu" the same, at the
  price of a few false alarms, which a person then clears. Single words that fold into everyday words
  ("lớn", "các", "ngủ") are left out on purpose.
- Personal data: phone numbers, email addresses, ID numbers (9 or 12 digits, and any longer run of digits),
  dossier codes and the sender's own name are replaced by MASK before publication.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings

MASK = "***"

OFFENSIVE_PHRASES = (
    "do ngu",
    "ngu nhu bo",
    "ngu nhu cho",
    "oc cho",
    "oc lon",
    "thang cho",
    "con cho de",
    "cho chet",
    "khon nan",
    "mat day",
    "suc vat",
    "do an hai",
    "dit me",
    "dit con",
    "du ma",
    "djt",
    "dmm",
    "dcm",
    "dkm",
    "vcl",
    "vkl",
    "clgt",
)


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d): how the phrases are compared."""
    text = (text or "").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _phrases() -> list[str]:
    extra = getattr(settings, "FEEDBACK_OFFENSIVE_PHRASES", ()) or ()
    return [fold(p).strip() for p in (*OFFENSIVE_PHRASES, *extra) if fold(p).strip()]


def offensive_phrases_in(*texts: str) -> list[str]:
    """The listed phrases found (as whole words) in the texts, folded; empty when the texts are clean."""
    folded = " ".join(fold(text) for text in texts)
    words = " " + " ".join(re.findall(r"[a-z0-9]+", folded)) + " "
    return sorted({phrase for phrase in _phrases() if f" {phrase} " in words})


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 000.00.15.H29-240105-0007, H29.15-240105-0007: an agency code, the day and the sequence.
DOSSIER_CODE = re.compile(r"\b[0-9A-Za-z][0-9A-Za-z.]*-\d{6}-\d{3,5}\b")
# A phone (0912 345 678, +84 912.345.678) or an ID number: 9 digits or more, spaces, dots and dashes between.
LONG_NUMBER = re.compile(r"(?<![\w])\+?\d(?:[ .\-]?\d){8,}(?![\w])")


def remove_personal_data(text: str, *, names: Iterable[str] = ()) -> str:
    """`text` with phone numbers, emails, ID numbers, dossier codes and the given names masked."""
    text = EMAIL.sub(MASK, text or "")
    text = DOSSIER_CODE.sub(MASK, text)
    text = LONG_NUMBER.sub(MASK, text)
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < 2:
            continue
        parts = [re.escape(part) for part in name.split()]
        text = re.sub(r"\b" + r"\s+".join(parts) + r"\b", MASK, text, flags=re.IGNORECASE)
        if len(parts) > 2:  # "Nguyễn Thị Lan" is also "chị Lan", "Thị Lan"
            given = r"\b" + r"\s+".join(parts[-2:]) + r"\b"
            text = re.sub(given, MASK, text, flags=re.IGNORECASE)
    return text
