"""Sync health: synced ÷ dossiers and the lag per agency and period (the Decision 766 scorecard reads them),
and staff told once per problem: a lag past the threshold, a change refused for good."""

import datetime

import pytest

from common import clock
from dossiers.models import State
from national_sync import health
from national_sync.models import ItemStatus, StatusMapping, SyncItem
from national_sync.selectors import percentile, sync_lag, sync_ratio, sync_ratios_by_day
from notifications.models import Notification
from tests.dossiers.staff_support import dossier_in, world
from tests.national_sync.support import FakeNationalPortal
from tests.national_sync.test_outbox import drain

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_the_ratio_counts_dossiers_whose_record_reached_the_national_portal():
    w = world()
    synced = dossier_in(w, State.SUBMITTED)
    drain(FakeNationalPortal(), dossier=synced)
    dossier_in(w, State.SUBMITTED)  # not sent yet
    now = clock.now()
    ratio = sync_ratio(w.desk.agency, now - DAY, now + DAY)
    assert (ratio.synced, ratio.total, ratio.percent) == (1, 2, 50.0)
    assert sync_ratio(w.handler.agency, now - DAY, now + DAY).ratio is None
    assert sync_ratio(w.desk.agency, now + DAY, now + 2 * DAY).total == 0


def test_the_daily_ratios_of_every_agency_are_each_agencys_ratio_that_day():
    w, other = world(), world()
    synced = dossier_in(w, State.SUBMITTED)
    drain(FakeNationalPortal(), dossier=synced)
    dossier_in(w, State.SUBMITTED)
    with clock.running_at(clock.now() - 2 * DAY):
        dossier_in(other, State.SUBMITTED)
    today = clock.localdate()
    daily = sync_ratios_by_day(today - 3 * DAY, today)
    assert set(daily) == {(w.desk.agency.pk, today), (other.desk.agency.pk, today - 2 * DAY)}
    for (agency_id, day), ratio in daily.items():
        agency = w.desk.agency if agency_id == w.desk.agency.pk else other.desk.agency
        assert ratio == sync_ratio(agency, *clock.day_bounds(day, day))
    assert (daily[(w.desk.agency.pk, today)].synced, daily[(w.desk.agency.pk, today)].total) == (1, 2)
    assert sync_ratios_by_day(today + DAY, today + 2 * DAY) == {}


def test_the_lag_runs_from_the_change_to_the_national_answer():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    with clock.running_at(clock.now() + datetime.timedelta(minutes=3)):
        drain(FakeNationalPortal())
    lag = sync_lag(w.desk.agency, clock.now() - DAY, clock.now() + DAY)
    assert lag.count == SyncItem.objects.filter(dossier=dossier, status=ItemStatus.SYNCED).count() > 0
    assert 179 <= lag.p50 <= 181 and lag.p95 >= lag.p50
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10 and percentile([], 0.5) is None


def test_staff_are_told_once_about_a_lag_past_the_threshold(settings):
    settings.NATIONAL_SYNC_ALERT_LAG_MINUTES = 15
    w = world()
    dossier_in(w, State.SUBMITTED)
    assert health.alert_staff() == 0
    later = clock.now() + datetime.timedelta(minutes=16)
    health.alert_staff(now=later)
    health.alert_staff(now=later + datetime.timedelta(minutes=5))
    notices = Notification.objects.filter(event="national_sync_alert", channel="portal")
    assert notices.count() == 1 and notices.get().recipient == w.desk.supervisor
    assert "15" in notices.get().body and w.desk.agency.name in notices.get().subject


def test_staff_are_told_once_about_a_refused_change_and_again_when_another_fails():
    StatusMapping.objects.filter(kind="state", value="received").update(national_code="")
    w = world()
    dossier_in(w, State.RECEIVED)
    drain(FakeNationalPortal())
    health.alert_staff()
    health.alert_staff()
    notices = Notification.objects.filter(event="national_sync_alert", channel="portal")
    assert notices.count() == 1 and "no mapping" in notices.get().body
    with clock.running_at(clock.now() + datetime.timedelta(minutes=1)):
        dossier_in(w, State.RECEIVED)
        drain(FakeNationalPortal())
    health.alert_staff()
    assert notices.count() == 2
