"""The sync on real Celery workers and beat, on a private Redis (marker `services`, PostgreSQL only): 200
dossier changes over 50 dossiers while the sandbox national portal is down for a stretch in the middle.
Every dossier and every step reaches it once, in the order of the changes, and each record ends in the
status of its dossier's last change (an older status never lands after a newer one)."""

import pytest

from dossiers import services as dossier_services
from dossiers.models import Dossier, DossierEvent
from national_portal_sandbox.models import NationalDossier, NationalStep, ReceivedCall, SandboxSettings
from national_sync.models import ItemKind, ItemStatus, StatusMapping, SyncItem
from tests.dossiers.staff_support import file_online, world
from tests.services_support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAST_SYNC = {
    "NATIONAL_SYNC_RETRY_BASE_SECONDS": "1",
    "NATIONAL_SYNC_RETRY_MAX_SECONDS": "2",
    "NATIONAL_SYNC_MAX_RETRIES": "3",
    "NATIONAL_SYNC_SWEEP_AFTER_SECONDS": "2",
    "NATIONAL_SYNC_SWEEP_INTERVAL_SECONDS": "1",
    "NATIONAL_SYNC_LEASE_SECONDS": "30",
}
DOSSIERS = 50


def set_down(down: bool) -> None:
    sandbox = SandboxSettings.load()
    sandbox.down = down
    sandbox.save()


def test_every_dossier_and_step_arrives_once_in_order_through_an_outage(celery_services):
    worker = celery_services.worker(queues="national_sync", concurrency=4, **FAST_SYNC)
    celery_services.beat(**FAST_SYNC)
    set_down(False)
    w = world()
    version = w.version()
    dossiers = [file_online(w, version=version) for _ in range(DOSSIERS)]  # submit + fees paid: 100 changes
    wait_for(
        lambda: NationalDossier.objects.count() >= DOSSIERS // 2,
        timeout=60,
        message="the first records to reach the national portal",
    )

    set_down(True)  # the national portal goes away in the middle of the day's work
    for dossier in dossiers:
        dossier_services.receive(dossier=Dossier.objects.get(pk=dossier.pk), clerk=w.desk.clerk)
    for number, dossier in enumerate(dossiers):
        if number == DOSSIERS // 2:
            set_down(False)  # and comes back while the transfers go on
        dossier_services.transfer(
            dossier=Dossier.objects.get(pk=dossier.pk),
            by=w.desk.clerk,
            to_agency=w.handler.agency,
            assignee=w.handler.officer,
            note="Chuyển xử lý",
        )
    events = DossierEvent.objects.filter(dossier__in=[d.pk for d in dossiers])
    assert events.count() == 4 * DOSSIERS  # 200 changes

    wait_for(
        lambda: not SyncItem.objects.unsynced().exists(),
        timeout=180,
        interval=0.5,
        message="every row to be synced after the outage",
    )
    retried = SyncItem.objects.filter(last_error="", attempts__gt=1).count()
    assert retried > 0, "the outage made some rows wait and be sent again"

    labels = dict(StatusMapping.objects.filter(kind="action").values_list("value", "national_label"))
    stepping = set(
        StatusMapping.objects.filter(kind="action", sends_step=True).values_list("value", flat=True)
    )
    state_codes = dict(StatusMapping.objects.filter(kind="state").values_list("value", "national_code"))
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        national = NationalDossier.objects.get(code=dossier.code)
        assert national.status_code == state_codes[dossier.state]  # the newest status, never an older one
        expected = [
            labels[action] + (f": {note}" if note else "")
            for action, note in dossier.events.order_by("at", "pk").values_list("action", "note")
            if action in stepping
        ]
        received = list(NationalStep.objects.filter(dossier=national).order_by("received_seq"))
        assert [step.content for step in received] == expected, dossier.code

    ok = ReceivedCall.objects.filter(error_code="00")
    assert ok.filter(service="DongBoHoSoMC", request__isUpdating="false").count() == DOSSIERS  # created once
    step_rows = SyncItem.objects.filter(kind=ItemKind.STEP, status=ItemStatus.SYNCED).count()
    assert ok.filter(service="CapNhatTienDoHoSoMC").count() == step_rows  # each step sent once
    assert NationalStep.objects.count() == step_rows
    assert "national_sync.tasks.send_item" in worker.log()
