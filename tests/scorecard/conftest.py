"""A month of one agency computed by hand (tests/scorecard/test_indicators.py reads it figure by figure)."""

import datetime
import sys

import pytest

from procedures.models import ServiceLevel
from scorecard import figures
from tests.factories import AgencyFactory, ProcedureVersionFactory
from tests.scorecard.support import at, make_dossier

D = datetime.date


@pytest.fixture
def march(monkeypatch):
    """Agency A in March 2026, by hand (2 March 2026 is a Monday; the prescribed time is 5 working days)."""
    agency, other = AgencyFactory(), AgencyFactory()
    full = ProcedureVersionFactory(published=True, agencies=[agency], processing_days=5)
    partial = ProcedureVersionFactory(published=True, agencies=[agency], partial=True)
    for version in (full, partial):
        version.__class__.objects.filter(pk=version.pk).update(published_at=at(D(2026, 1, 5)))
    assert partial.service_level == ServiceLevel.PARTIAL
    # 1: online, received in its 8 hours, decided on 5/3, due 9/3: on time, 3 working days.
    make_dossier(
        full,
        agency,
        state="approved",
        filed=at(D(2026, 3, 2), 9),
        received=at(D(2026, 3, 2), 11),
        intake_deadline=at(D(2026, 3, 2), 17),
        decided=at(D(2026, 3, 5), 10),
        due=D(2026, 3, 9),
    )
    # 2: at the desk, decided 12/3 after its date of 10/3: late, 7 working days; its papers digitised at
    # the desk, its result signed electronically.
    make_dossier(
        full,
        agency,
        state="returned",
        channel="desk",
        filed=at(D(2026, 3, 3), 9),
        received=at(D(2026, 3, 3), 10),
        decided=at(D(2026, 3, 12), 10),
        due=D(2026, 3, 10),
        digitised=True,
        e_result=True,
    )
    # 3: online, received after its 8 hours, reusing a stored document, fees paid online.
    make_dossier(
        full,
        agency,
        state="in_progress",
        filed=at(D(2026, 3, 4), 9),
        received=at(D(2026, 3, 5), 9),
        intake_deadline=at(D(2026, 3, 4), 17),
        due=D(2026, 3, 11),
        reusing=True,
        fee_total=50_000,
        settled=at(D(2026, 3, 4), 10),
        settlement="paid_online",
    )
    # 4: by post, fees paid at the desk.
    make_dossier(
        full,
        agency,
        channel="post",
        filed=at(D(2026, 3, 6), 9),
        fee_total=50_000,
        settled=at(D(2026, 3, 6), 9),
        settlement="paid_at_desk",
    )
    # 5: online, decided by its date but after an apology: late; 1 working day; a paper digitised (a
    # denial has no result to sign).
    make_dossier(
        full,
        agency,
        digitised=True,
        state="denied",
        filed=at(D(2026, 3, 9), 8),
        received=at(D(2026, 3, 9), 10),
        intake_deadline=at(D(2026, 3, 9), 12),
        decided=at(D(2026, 3, 10), 15),
        due=D(2026, 3, 10),
        apology=True,
    )
    # Not counted for A in March: an exempted fee, a draft, April, another agency.
    make_dossier(
        full,
        agency,
        channel="desk",
        filed=at(D(2026, 3, 6), 10),
        fee_total=1,
        settled=at(D(2026, 3, 6), 10),
        settlement="exempt",
    )
    make_dossier(full, agency, state="draft")
    make_dossier(full, agency, filed=at(D(2026, 4, 1), 9))
    make_dossier(full, other, filed=at(D(2026, 3, 2), 9))
    # The other apps' figures are "no data" here (their own tests cover them).
    monkeypatch.setitem(sys.modules, "national_sync.selectors", None)
    monkeypatch.setitem(sys.modules, "feedback.selectors", None)
    figures.refresh_days(D(2026, 3, 1), D(2026, 4, 2))
    return agency
