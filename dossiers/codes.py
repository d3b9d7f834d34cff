"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit daily sequence>` by default (Circular
01/2018/TT-VPCP), with the pattern kept on the rule set so a new circular can change it."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import DossierCodeSequence


def next_sequence(*, agency_code: str, day: datetime.date) -> int:
    """The next number of the day for an agency; unique under concurrent filings (row lock)."""
    for _attempt in range(5):
        with transaction.atomic():
            updated = DossierCodeSequence.objects.filter(agency_code=agency_code, day=day).update(
                last_value=F("last_value") + 1
            )
            if updated:
                return DossierCodeSequence.objects.get(agency_code=agency_code, day=day).last_value
            try:
                with transaction.atomic():
                    DossierCodeSequence.objects.create(agency_code=agency_code, day=day, last_value=1)
                return 1
            except IntegrityError:
                continue  # another filing created the row first: take the update path
    raise RuntimeError("Could not allocate a dossier number")


def format_code(pattern: str, *, agency_code: str, day: datetime.date, sequence: int) -> str:
    return pattern.format(agency=agency_code, date=day, yymmdd=day.strftime("%y%m%d"), seq=sequence)
