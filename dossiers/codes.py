"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit daily sequence>` by default (Circular
01/2018/TT-VPCP), with the pattern kept on the rule set so a new circular can change it."""

import datetime

from django.db import connection

from .models import Dossier, DossierCodeSequence

# Also the length of LookupCodeGuard.code: a lookup's guard is keyed by the code as stored.
CODE_LENGTH = Dossier._meta.get_field("code").max_length


def as_stored(code: str) -> str:
    """A dossier code as someone typed or sent it (any case, spaces around it) as the portal stores it:
    upper-case, trimmed, and no longer than the column (a longer one matches no dossier either way). An
    exact match on it uses the unique index; iexact would scan the table."""
    return code.strip().upper()[:CODE_LENGTH]


def next_sequence(*, agency_code: str, day: datetime.date) -> int:
    """The next number of the day for an agency, in one statement (an upsert): the day's first filing
    creates the row, the next ones increment it; the row stays locked until the filing commits, so
    concurrent filings never get the same number (PostgreSQL; SQLite from 3.35 for RETURNING)."""
    table = connection.ops.quote_name(DossierCodeSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last_value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency_code, connection.ops.adapt_datefield_value(day)],
        )
        value: int = cursor.fetchone()[0]
    return value


def format_code(pattern: str, *, agency_code: str, day: datetime.date, sequence: int) -> str:
    return pattern.format(agency=agency_code, date=day, yymmdd=day.strftime("%y%m%d"), seq=sequence)
