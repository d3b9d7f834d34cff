"""The mapping from our states and actions to the national status codes is data an admin edits; every state
a filed dossier can be in and every audited action must have a row, or the national portal is never told."""

import pytest

from dossiers.models import DossierEvent, State
from national_sync.models import StatusMapping
from national_sync.selectors import unmapped_values

pytestmark = pytest.mark.django_db


def test_every_state_and_action_has_a_mapping():
    """Fails when a new State or DossierEvent.Action choice appears without its row (add it to the data
    migration of national_sync, or a new one)."""
    states = set(
        StatusMapping.objects.filter(kind="state").exclude(national_code="").values_list("value", flat=True)
    )
    actions = set(StatusMapping.objects.filter(kind="action").values_list("value", flat=True))
    assert set(State.values) - {State.DRAFT} <= states
    assert set(DossierEvent.Action.values) <= actions
    assert unmapped_values() == []


def test_the_defaults_are_the_contracts_codes():
    codes = dict(StatusMapping.objects.filter(kind="state").values_list("value", "national_code"))
    assert codes == {
        "submitted": "1",
        "supplement_requested": "5",
        "refused": "3",
        "received": "2",
        "in_progress": "4",
        "approved": "9",
        "denied": "9",
        "result_ready": "9",
        "returned": "10",
        "stopped": "8",
        "withdrawn": "7",
    }
    assert not StatusMapping.objects.filter(kind="state", value=State.DRAFT).exists()


def test_a_missing_row_is_reported():
    StatusMapping.objects.filter(kind="action", value="receive").delete()
    StatusMapping.objects.filter(kind="state", value="returned").update(national_code="")
    assert set(unmapped_values()) == {("action", "receive"), ("state", "returned")}
