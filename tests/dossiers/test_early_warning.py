"""Early warning (dossiers/early_warning.py): a dossier that will probably miss its appointment date is
flagged in the queue and on its page before it is late, from the handling agency's recent working days;
the apology form opens with a reason and a suggested date. The clock is frozen (tests Clock)."""

import dataclasses
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import early_warning, panels, services, working_days
from dossiers.models import Apology, State
from tests.dossiers.staff_support import Clock, act, dossier_in, reload, sign_in, vn, world
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

AT_RISK = "dossiers.at_risk"


def history(clock, w, version, *, received, working_days_taken, count=5):
    """`count` dossiers of `version` handled by `w.handler`, received on `received` and ready
    `working_days_taken` working days later."""
    ready_day = working_days.add_working_days(received.date(), working_days_taken)
    for _n in range(count):
        clock.set(received)
        dossier = dossier_in(w, State.IN_PROGRESS, version=version)
        clock.set(datetime.datetime.combine(ready_day, datetime.time(10), tzinfo=received.tzinfo))
        dossier = services.approve(dossier=dossier, officer=w.handler.officer, result_file=pdf_upload())
        services.mark_result_ready(dossier=dossier, by=w.handler.officer)


@pytest.fixture
def march(monkeypatch):
    """The handler's last five dossiers of one procedure took 8 working days from receipt to result
    (received Monday 2 March 2026, ready Thursday 12 March). Now: Monday 16 March 2026, 09:00."""
    clock = Clock(monkeypatch, vn(2026, 3, 2, 9))
    w = world()
    slow = w.version(documents=0, processing_days=5)
    history(clock, w, slow, received=vn(2026, 3, 2, 9), working_days_taken=8)
    clock.set(vn(2026, 3, 16, 9))
    return clock, w, slow


def queue_rows(client, w, view="all"):
    response = client.get(reverse("staff:queue", args=[w.handler.agency.code]) + f"?view={view}")
    assert response.status_code == 200
    return {row.dossier.pk: row for row in response.context["rows"]}, response.content.decode()


def flagged(row) -> bool:
    return AT_RISK in {flag.name for flag in row.flags}


def test_a_dossier_that_needs_more_working_days_than_it_has_left_is_at_risk(client, march):
    _clock, w, slow = march
    at_risk = dossier_in(w, State.IN_PROGRESS, version=slow)  # due Monday 23 March: 5 working days left
    roomy = dossier_in(w, State.IN_PROGRESS, version=w.version(documents=0, processing_days=10))

    found = early_warning.forecasts([at_risk, roomy], datetime.date(2026, 3, 16))
    assert (found[at_risk.pk].days_left, found[at_risk.pk].days_ahead) == (5, 8)
    assert found[at_risk.pk].at_risk
    # Another procedure with too few dossiers of its own: the agency's procedures together (8 < 10).
    assert (found[roomy.pk].days_left, found[roomy.pk].days_ahead) == (10, 8)
    assert not found[roomy.pk].at_risk

    sign_in(client, w.handler.officer)
    rows, html = queue_rows(client, w)
    assert flagged(rows[at_risk.pk]) and not flagged(rows[roomy.pk])
    assert "At risk of being late" in html
    assert rows[at_risk.pk].due_flag == ""  # not late, not yet "due soon": the warning comes earlier


def test_the_flag_reads_in_vietnamese_in_the_queue_and_on_the_dossier_page(client, march):
    _clock, w, slow = march
    dossier = dossier_in(w, State.IN_PROGRESS, version=slow)
    sign_in(client, w.handler.officer, language="vi")
    _rows, html = queue_rows(client, w)
    assert "Có nguy cơ trễ hạn" in html
    page = client.get(reverse("staff:detail", args=[dossier.pk])).content.decode()
    assert "Có nguy cơ trễ hạn" in page
    assert "?open=apology#action-apology" in page


def test_the_time_already_spent_counts_against_what_is_left(march):
    clock, w, slow = march
    clock.set(vn(2026, 3, 9, 9))
    dossier = dossier_in(w, State.IN_PROGRESS, version=slow)  # received Monday 9 March, due Monday 16
    # Monday 16 March: 5 working days spent; the recent dossiers that took at least 5 needed 8 in all.
    found = early_warning.forecast(dossier, datetime.date(2026, 3, 16))
    assert (found.days_left, found.days_ahead, found.at_risk) == (0, 3, True)


def test_a_late_dossier_is_flagged_late_not_at_risk(client, march):
    clock, w, slow = march
    clock.set(vn(2026, 3, 2, 9))
    late = dossier_in(w, State.IN_PROGRESS, version=slow)  # due Monday 9 March
    clock.set(vn(2026, 3, 16, 9))

    found = early_warning.forecast(late, datetime.date(2026, 3, 16))
    assert found.overdue and not found.at_risk
    sign_in(client, w.handler.officer)
    rows, _html = queue_rows(client, w)
    assert rows[late.pk].due_flag == "overdue"
    assert not flagged(rows[late.pk])


@pytest.mark.parametrize("state", [State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.RESULT_READY])
def test_dossiers_without_a_running_appointment_are_never_at_risk(march, state):
    _clock, w, slow = march
    dossier = dossier_in(w, state, version=slow)
    assert early_warning.at_risk_ids([dossier]) == set()


def test_no_prediction_without_enough_recent_dossiers(monkeypatch):
    Clock(monkeypatch, vn(2026, 3, 16, 9))
    w = world()
    dossier = dossier_in(w, State.IN_PROGRESS, version=w.version(documents=0, processing_days=1))
    found = early_warning.forecast(dossier)
    assert found.days_ahead is None and not found.at_risk


def test_dossiers_older_than_the_window_are_not_counted(monkeypatch, settings):
    clock = Clock(monkeypatch, vn(2025, 11, 3, 9))
    w = world()
    slow = w.version(documents=0, processing_days=5)
    history(clock, w, slow, received=vn(2025, 11, 3, 9), working_days_taken=8)
    clock.set(vn(2026, 3, 16, 9))  # more than 90 days later
    dossier = dossier_in(w, State.IN_PROGRESS, version=slow)
    assert early_warning.forecast(dossier).days_ahead is None
    settings.EARLY_WARNING_WINDOW_DAYS = 200
    cache.clear()  # the durations are kept for the day
    assert early_warning.forecast(dossier).days_ahead == 8


def test_holidays_are_not_working_days_left(monkeypatch):
    """Tuesday 28 April 2026, due Monday 4 May: 30/4 and 1/5 are holidays, so 2 working days are left
    (29 April and 4 May), not 4 — and dossiers like it need 3."""
    clock = Clock(monkeypatch, vn(2026, 4, 6, 9))
    w = world()
    version = w.version(documents=0, processing_days=2)
    history(clock, w, version, received=vn(2026, 4, 6, 9), working_days_taken=3)
    clock.set(vn(2026, 4, 28, 9))
    dossier = dossier_in(w, State.IN_PROGRESS, version=version)
    assert dossier.due_date == datetime.date(2026, 5, 4)

    found = early_warning.forecast(dossier, datetime.date(2026, 4, 28))
    assert (found.days_left, found.days_ahead, found.at_risk) == (2, 3, True)


def test_the_queue_reads_no_more_queries_with_the_warning_than_without(client, march, monkeypatch, settings):
    settings.QUEUE_PAGE_CACHE_SECONDS = 0  # each request builds the page: what is counted
    _clock, w, slow = march
    for _n in range(3):
        dossier_in(w, State.IN_PROGRESS, version=slow)
    sign_in(client, w.handler.officer)
    url = reverse("staff:queue", args=[w.handler.agency.code]) + "?view=in_progress"
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        rows = client.get(url).context["rows"]
    assert [flagged(row) for row in rows if row.dossier.state == State.IN_PROGRESS] == [True] * 3

    def durations(queries):
        return [q for q in queries if 'result_ready_at" >=' in q["sql"]]

    assert len(durations(cold)) == 1  # the agency's recent durations: one query on a cache miss…
    assert not durations(warm)

    switched_off = dataclasses.replace(early_warning.AT_RISK, flagged=lambda page: set())
    monkeypatch.setitem(panels._flags, AT_RISK, switched_off)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    assert len(warm) == len(without)  # …and none once cached


def test_the_apology_form_opens_prefilled_with_a_reason_and_a_new_date(client, march):
    _clock, w, slow = march
    dossier = dossier_in(w, State.IN_PROGRESS, version=slow)  # due Monday 23 March
    sign_in(client, w.handler.officer, language="vi")

    response = client.get(reverse("staff:detail", args=[dossier.pk]) + "?open=apology")
    [apology] = [action for action in response.context["actions"] if action["name"] == "apology"]
    assert apology["open"]
    form = apology["form"]
    # Today + the 8 working days dossiers like it needed + a margin of 2: Monday 30 March.
    assert form.initial["new_due_date"] == datetime.date(2026, 3, 30)
    assert "số lượng hồ sơ" in form.initial["reason"].lower()
    html = response.content.decode()
    assert 'id="action-apology" open' in html and 'value="2026-03-30"' in html

    posted = act(
        client,
        dossier,
        "apology",
        new_due_date=form.initial["new_due_date"].isoformat(),
        reason=form.initial["reason"],
        signed_by="Nguyễn Văn Hùng, Giám đốc",
    )
    assert posted.status_code == 302
    assert reload(dossier).due_date == datetime.date(2026, 3, 30)
    assert Apology.objects.get(dossier=dossier).reason == form.initial["reason"]


def test_the_reason_follows_the_dossiers_situation(march):
    _clock, w, slow = march
    dossier = dossier_in(w, State.IN_PROGRESS, version=slow)
    assert "số lượng hồ sơ" in early_warning.delay_reason(dossier).lower()

    elsewhere = world().handler
    services.transfer(dossier=dossier, by=w.handler.officer, to_agency=elsewhere.agency)
    assert "cơ quan khác" in early_warning.delay_reason(reload(dossier))

    supplemented = dossier_in(w, State.IN_PROGRESS, version=slow)
    services.request_supplement(
        dossier=supplemented, by=w.handler.supervisor, items=[], details="Bản vẽ", reason="Thiếu bản vẽ"
    )
    services.answer_supplement(dossier=reload(supplemented), by=supplemented.applicant, note="Đã gửi")
    assert "bổ sung" in early_warning.delay_reason(reload(supplemented))


def test_no_apology_is_suggested_once_the_date_has_passed(march):
    clock, w, slow = march
    clock.set(vn(2026, 3, 2, 9))
    late = dossier_in(w, State.IN_PROGRESS, version=slow)
    clock.set(vn(2026, 3, 16, 9))
    assert early_warning.suggested_apology(late) is None
