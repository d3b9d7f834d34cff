"""Signing is queued after the approval commits: a broker that is down then must not fail the approval's
request; the result stays pending (signed later, or by staff's "Ký lại")."""

import pytest
from kombu.exceptions import OperationalError

from dossiers.models import State
from e_results import tasks
from e_results.models import SignedResult
from tests.dossiers.factories_extra import approved
from tests.factories import filed_dossier

pytestmark = pytest.mark.django_db


def test_a_broker_down_at_approval_keeps_the_approval_and_leaves_the_result_pending(
    give_agency_a_key, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.sign_result, "apply_async", broker_down)
    monkeypatch.setattr(tasks.sign_result, "delay", broker_down)
    dossier = filed_dossier()
    give_agency_a_key(dossier.receiving_agency)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = approved(dossier)
    dossier.refresh_from_db()
    assert dossier.state == State.APPROVED
    result = SignedResult.objects.get(dossier=dossier)
    assert result.status == SignedResult.Status.PENDING and result.attempts == 0
    assert "Could not queue" in caplog.text
