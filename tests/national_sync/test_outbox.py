"""The sync outbox: rows written in the dossier change's transaction, sent once each in the dossier's order,
transient errors retried with backoff, permanent ones held for staff and sent again once fixed."""

import datetime

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from common import clock
from dossiers import services as dossier_services
from dossiers.models import State
from national_sync import services
from national_sync.admin import StatusMappingAdmin
from national_sync.models import ItemKind, ItemStatus, StatusMapping, SyncItem
from tests.dossiers.staff_support import dossier_in, world
from tests.factories import CitizenProfileFactory
from tests.national_sync.support import FakeNationalPortal

pytestmark = pytest.mark.django_db


def drain(portal, dossier=None, rounds=100):
    """Send every due row, as workers would, until nothing moves; returns the outcomes."""
    outcomes = []
    for _ in range(rounds):
        rows = SyncItem.objects.filter(status=ItemStatus.PENDING)
        if dossier is not None:
            rows = rows.filter(dossier=dossier)
        moved = False
        for pk in rows.order_by("pk").values_list("pk", flat=True):
            outcome = services.send(item_id=pk, adapter=portal)
            outcomes.append(outcome.status)
            moved |= outcome.status in {"synced", "skipped"}
        if not moved:
            break
    return outcomes


def test_a_change_writes_its_rows_in_the_changes_transaction_and_queues_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda ids, **kw: queued.extend(ids))
    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in(w, State.SUBMITTED)
    rows = list(SyncItem.objects.filter(dossier=dossier).order_by("pk"))
    event = dossier.events.get(action="submit")
    assert [(row.kind, row.event_id, row.status) for row in rows[:2]] == [
        (ItemKind.DOSSIER, event.pk, ItemStatus.PENDING),
        (ItemKind.STEP, event.pk, ItemStatus.PENDING),
    ]
    assert rows[0].created_at == event.at
    assert queued[0] == rows[0].pk


def test_a_draft_is_never_synced():
    w = world()
    draft = dossier_services.start_draft(version=w.version(), applicant=CitizenProfileFactory().user)
    assert not SyncItem.objects.filter(dossier=draft).exists()


def test_every_change_arrives_once_in_order_with_create_then_updates():
    w = world()
    dossier = dossier_in(w, State.RETURNED)
    portal = FakeNationalPortal()
    drain(portal)
    assert not SyncItem.objects.unsynced().exists()
    record = portal.records[dossier.code]
    assert record["TrangThaiHoSo"] == "10" and record["MaHoSo"] == dossier.code
    assert portal.calls.count("create") == 1 and portal.calls.count("lookup") == 1
    steps = [step for _key, step in portal.steps]
    actions = list(dossier.events.order_by("at", "pk").values_list("action", flat=True))
    sent_actions = [a for a in actions if StatusMapping.objects.get(kind="action", value=a).sends_step]
    assert len(steps) == len(sent_actions)
    assert [s["ThoiDiemXuLy"] for s in steps] == sorted(s["ThoiDiemXuLy"] for s in steps)
    assert steps[0]["TrangThai"] == "1" and steps[-1]["TrangThai"] == "10"


def test_a_later_row_waits_for_the_earlier_one_of_its_dossier():
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    first, *later = SyncItem.objects.filter(dossier=dossier).order_by("pk")
    portal = FakeNationalPortal()
    assert services.send(item_id=later[-1].pk, adapter=portal).status == "blocked"
    assert portal.calls == []
    outcome = services.send(item_id=first.pk, adapter=portal)
    assert outcome.status == "synced" and outcome.next_item == later[0].pk


def test_a_row_sent_twice_is_sent_once():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    first = SyncItem.objects.filter(dossier=dossier).order_by("pk").first()
    portal = FakeNationalPortal()
    assert services.send(item_id=first.pk, adapter=portal).status == "synced"
    assert services.send(item_id=first.pk, adapter=portal).status == "blocked"
    assert portal.calls == ["lookup", "create"]


def test_an_existing_record_is_updated_not_created_again():
    """A crash after the national "00" and before our commit: the next try finds the record and updates."""
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    portal = FakeNationalPortal(records={dossier.code: {"MaHoSo": dossier.code}})
    drain(portal)
    assert "create" not in portal.calls and portal.calls[:2] == ["lookup", "update"]


def test_a_transient_error_is_retried_with_backoff(settings):
    settings.NATIONAL_SYNC_RETRY_BASE_SECONDS = 30
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    first = SyncItem.objects.filter(dossier=dossier).order_by("pk").first()
    portal = FakeNationalPortal(down=True)
    outcome = services.send(item_id=first.pk, adapter=portal)
    first.refresh_from_db()
    assert outcome.status == "retry" and outcome.retry_in == 30
    assert first.status == ItemStatus.PENDING and "connection refused" in first.last_error
    assert services.send(item_id=first.pk, adapter=portal).status == "blocked"  # not due yet
    assert services.retry_delay(3) == 120
    portal.down = False
    with clock.running_at(clock.now() + datetime.timedelta(seconds=31)):
        assert services.send(item_id=first.pk, adapter=portal).status == "synced"


def test_an_unmapped_state_fails_for_good_holds_the_dossier_and_is_sent_after_the_admin_fixes_it():
    mapping = StatusMapping.objects.get(kind="state", value="received")
    mapping.national_code = ""
    mapping.save()
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    portal = FakeNationalPortal()
    drain(portal)
    failed = SyncItem.objects.get(status=ItemStatus.FAILED)
    assert failed.error_code == "no_mapping" and "no mapping for state 'received'" in failed.last_error
    assert SyncItem.objects.filter(dossier=dossier, status=ItemStatus.PENDING).exists()  # held back
    assert portal.records[dossier.code]["TrangThaiHoSo"] == "1"

    mapping.national_code = "2"
    request = RequestFactory().post("/")
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    StatusMappingAdmin(StatusMapping, AdminSite()).save_model(request, mapping, form=None, change=True)
    failed.refresh_from_db()
    assert failed.status == ItemStatus.PENDING
    drain(portal)
    assert not SyncItem.objects.unsynced().exists()
    assert portal.records[dossier.code]["TrangThaiHoSo"] == "2"


def test_a_permanent_refusal_is_recorded_with_the_portals_code():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    portal = FakeNationalPortal(refuse_with="01")
    drain(portal)
    failed = SyncItem.objects.get(dossier=dossier, status=ItemStatus.FAILED)
    assert failed.error_code == "01" and failed.failed_at is not None


def test_an_action_the_mapping_does_not_send_is_skipped():
    StatusMapping.objects.filter(kind="action", value="receive").update(sends_step=False)
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    drain(FakeNationalPortal())
    receive = dossier.events.get(action="receive")
    assert SyncItem.objects.get(event=receive, kind=ItemKind.STEP).status == ItemStatus.SKIPPED


def test_the_sweeper_requeues_rows_left_behind_and_lapsed_leases(settings, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda ids, **kw: queued.extend(ids) or len(ids))
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    first = SyncItem.objects.filter(dossier=dossier).order_by("pk").first()
    assert services.sweep() == 0  # within the grace the commit-time task is trusted
    later = clock.now() + datetime.timedelta(seconds=settings.NATIONAL_SYNC_SWEEP_AFTER_SECONDS + 1)
    assert services.sweep(now=later) == 1 and queued == [first.pk]  # only the first of its dossier
    SyncItem.objects.filter(pk=first.pk).update(status=ItemStatus.SENDING, lease_until=clock.now())
    queued.clear()
    assert services.sweep(now=later) == 1 and queued == [first.pk]


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_next_workers_claim():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    first = SyncItem.objects.filter(dossier=dossier).order_by("pk").first()

    class SlowPortal(FakeNationalPortal):
        def lookup(self, *, unit_code, dossier_code):
            # Meanwhile the lease ran out and another worker claimed the row (a new lease).
            SyncItem.objects.filter(pk=first.pk).update(lease_until=clock.now() + datetime.timedelta(hours=1))
            return super().lookup(unit_code=unit_code, dossier_code=dossier_code)

    services.send(item_id=first.pk, adapter=SlowPortal())
    first.refresh_from_db()
    assert first.status == ItemStatus.SENDING  # left to the worker that holds it now
