"""The embedded default end to end: the "sandbox" adapter speaks the protocol to national_portal_sandbox in
process; a sandbox told to be down is a transient error, and the rows go once it is back."""

import datetime

import pytest

from common import clock
from dossiers.models import State
from national_portal_sandbox.models import NationalDossier, NationalStep, SandboxSettings
from national_sync import services
from national_sync.adapters import get_adapter
from national_sync.models import ItemStatus, SyncItem
from tests.dossiers.staff_support import dossier_in, world
from tests.national_sync.test_outbox import drain

pytestmark = pytest.mark.django_db


def test_a_dossier_reaches_the_sandbox_national_portal_with_every_step_in_order():
    w = world()
    dossier = dossier_in(w, State.RETURNED)
    drain(get_adapter())
    assert not SyncItem.objects.unsynced().exists()
    national = NationalDossier.objects.get(code=dossier.code)
    assert national.status_code == "10" and national.unit_code == w.desk.agency.code
    steps = list(NationalStep.objects.filter(dossier=national).order_by("received_seq"))
    assert [step.acted_at for step in steps] == sorted(step.acted_at for step in steps)
    assert steps[0].status_code == "1" and steps[-1].status_code == "10"
    sent = SyncItem.objects.filter(dossier=dossier, kind="step", status=ItemStatus.SYNCED).count()
    assert len(steps) == sent


def test_a_sandbox_that_is_down_is_retried_later():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    sandbox = SandboxSettings.load()
    sandbox.down = True
    sandbox.save()
    first = SyncItem.objects.filter(dossier=dossier).order_by("pk").first()
    assert services.send(item_id=first.pk, adapter=get_adapter()).status == "retry"
    first.refresh_from_db()
    assert "unavailable" in first.last_error and first.status == ItemStatus.PENDING
    sandbox.down = False
    sandbox.save()
    with clock.running_at(clock.now() + datetime.timedelta(hours=1)):
        drain(get_adapter())
    assert NationalDossier.objects.get(code=dossier.code).status_code == "1"


def test_the_http_adapter_speaks_to_the_sandboxs_http_endpoints(client, settings):
    """The "http" adapter pointed at /national-portal-sandbox/api: the same protocol over HTTP."""
    from national_sync.adapters.http import HttpNationalPortal

    settings.NATIONAL_PORTAL = {
        **settings.NATIONAL_PORTAL,
        "BASE_URL": "http://testserver/national-portal-sandbox/api",
    }

    def over_http(path, body, timeout):
        response = client.post(f"/national-portal-sandbox/api/{path}", body, content_type="application/json")
        return response.status_code, response.json()

    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    drain(HttpNationalPortal(transport=over_http))
    assert NationalDossier.objects.get(code=dossier.code).status_code == "2"
    assert not SyncItem.objects.unsynced().exists()
