"""The daily rows equal a recomputation from scratch, written independently of scorecard.figures."""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from dossiers.models import Apology, Dossier, DossierDocument
from dossiers.working_days import working_days_between
from e_results.models import SignedResult
from scorecard.models import DOSSIER_COUNTERS, DailyAgencyFigures
from scorecard.tasks import refresh_recent_figures
from tests.factories import AgencyFactory, ProcedureVersionFactory
from tests.scorecard.support import at, make_dossier, spread

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime.date(2026, 2, 23)
DAYS = 21
DECIDED = {"approved", "result_ready", "returned", "denied", "stopped"}
WITH_RESULT = {"approved", "result_ready", "returned"}
PAID = {"paid_online", "paid_at_desk", "cod"}


def from_scratch() -> dict:
    """Each dossier read one by one, the rules written out again."""
    counts: dict = defaultdict(lambda: defaultdict(int))

    def day(moment):
        return moment.astimezone(VN).date()

    reusing = set(DossierDocument.objects.filter(reused=True).values_list("dossier_id", flat=True))
    apologised = set(Apology.objects.values_list("dossier_id", flat=True))
    digitised = set(
        DossierDocument.objects.filter(
            kind="application", stored_file__source="digitised", stored_file__attested_at__isnull=False
        ).values_list("dossier_id", flat=True)
    )
    e_results = set(SignedResult.objects.filter(status="signed").values_list("dossier_id", flat=True))
    for dossier in Dossier.objects.select_related("procedure_version"):
        if dossier.state == "draft":
            continue
        filed = counts[(dossier.receiving_agency_id, day(dossier.submitted_at))]
        filed["filed"] += 1
        filed[f"filed_{dossier.channel}"] += 1
        filed["filed_reusing"] += dossier.pk in reusing
        if dossier.channel == "online" and dossier.received_at:
            received = counts[(dossier.receiving_agency_id, day(dossier.received_at))]
            received["received_online"] += 1
            received["received_online_in_time"] += bool(
                dossier.intake_deadline and dossier.received_at <= dossier.intake_deadline
            )
        if dossier.state in DECIDED and dossier.received_at and dossier.decided_at:
            agency = dossier.handling_agency_id or dossier.receiving_agency_id
            decided = counts[(agency, day(dossier.decided_at))]
            decided["decided"] += 1
            on_time = day(dossier.decided_at) <= dossier.due_date and dossier.pk not in apologised
            decided["decided_on_time" if on_time else "decided_late"] += 1
            decided["processing_days"] += working_days_between(
                day(dossier.received_at), day(dossier.decided_at)
            )
            decided["prescribed_days"] += dossier.procedure_version.processing_days
            with_result = dossier.state in WITH_RESULT
            decided["decided_with_result"] += with_result
            decided["decided_e_result"] += with_result and dossier.pk in e_results
            decided["decided_digitised"] += dossier.pk in digitised
            decided["decided_digitised_e_result"] += (
                with_result and dossier.pk in digitised and dossier.pk in e_results
            )
        if dossier.fee_total and dossier.fees_settlement in PAID and dossier.fees_settled_at:
            fees = counts[(dossier.receiving_agency_id, day(dossier.fees_settled_at))]
            fees["fees_settled"] += 1
            fees["fees_paid_online"] += dossier.fees_settlement == "paid_online"
    return {key: {name: value for name, value in row.items() if value} for key, row in counts.items()}


def stored() -> dict:
    result = {}
    for row in DailyAgencyFigures.objects.all():
        values = {name: getattr(row, name) for name in DOSSIER_COUNTERS if getattr(row, name)}
        if values:
            result[(row.agency_id, row.day)] = values
    return result


@pytest.fixture
def three_weeks():
    agencies = [AgencyFactory() for _n in range(3)]
    versions = [
        ProcedureVersionFactory(published=True, agencies=agencies[:2], processing_days=days)
        for days in (3, 7)
    ]
    return spread(versions, agencies, START, DAYS)


def test_the_daily_rows_equal_a_recomputation_from_scratch(three_weeks):
    call_command("rebuild_scorecard", "--from", "2026-02-20", "--to", "2026-03-31")
    expected = from_scratch()
    assert len(expected) > 40  # the fixture covers many agency-days
    assert stored() == expected


def test_refreshing_again_changes_nothing_and_follows_a_change(three_weeks):
    call_command("rebuild_scorecard", "--from", "2026-02-20", "--to", "2026-03-31")
    before = stored()
    call_command("rebuild_scorecard", "--from", "2026-02-20", "--to", "2026-03-31")
    assert stored() == before
    agency = three_weeks[0].receiving_agency
    make_dossier(three_weeks[0].procedure_version, agency, filed=at(datetime.date(2026, 3, 2), 9))
    call_command("rebuild_scorecard", "--from", "2026-03-02", "--to", "2026-03-02")
    assert stored() == from_scratch()


def test_the_beat_task_refreshes_today_and_yesterday(monkeypatch):
    from common import clock

    agency = AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[agency])
    today = clock.localdate()
    yesterday = today - datetime.timedelta(days=1)
    make_dossier(version, agency, filed=at(yesterday, 10))
    make_dossier(version, agency, filed=at(today, 0))
    make_dossier(version, agency, filed=at(today - datetime.timedelta(days=3), 10))
    refresh_recent_figures()
    refresh_recent_figures()  # twice: same rows
    rows = dict(DailyAgencyFigures.objects.filter(agency=agency).values_list("day", "filed"))
    assert rows == {yesterday: 1, today: 1}


def test_a_refresh_reads_all_agencies_at_once_whatever_their_number():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scorecard.figures import refresh_days

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            refresh_days(datetime.date(2026, 3, 1), datetime.date(2026, 3, 7))
        return len(captured)

    agency = AgencyFactory()
    version = ProcedureVersionFactory(published=True, agencies=[agency])
    make_dossier(version, agency, filed=at(datetime.date(2026, 3, 2), 9))
    few = queries()
    for _n in range(10):
        AgencyFactory()
    assert queries() == few
