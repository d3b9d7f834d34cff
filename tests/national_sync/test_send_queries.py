"""Sending one row reads what it needs in one query (the dossier, its agencies and the unit code it goes
under, the event, whether the record exists nationally already); the payload adds only its lists."""

import pytest

from dossiers.models import State
from national_sync import services
from national_sync.models import ItemKind, ItemStatus, SyncItem, UnitCode
from tests.dossiers.staff_support import dossier_in, world
from tests.national_sync.support import FakeNationalPortal

pytestmark = pytest.mark.django_db

# claim, the row's read, the state's mapping, documents, fees, supplements, finish, the dossier's next row
DOSSIER_ROW_QUERIES = 8
# claim, the row's read, the action's mapping, the state's mapping, when the step began, finish, next row
STEP_ROW_QUERIES = 7


def send_all(portal, django_assert_max_num_queries):
    for _round in range(50):
        pending = SyncItem.objects.filter(status=ItemStatus.PENDING).order_by("pk")
        rows = list(pending.values_list("pk", "kind"))
        if not rows:
            return
        for pk, kind in rows:
            limit = DOSSIER_ROW_QUERIES if kind == ItemKind.DOSSIER else STEP_ROW_QUERIES
            with django_assert_max_num_queries(limit):
                services.send(item_id=pk, adapter=portal)


def test_each_row_is_sent_with_a_fixed_number_of_queries_under_the_agencys_unit_code(
    django_assert_max_num_queries,
):
    w = world()
    UnitCode.objects.create(agency=w.desk.agency, code="000.00.15.H29")
    dossier = dossier_in(w, State.RETURNED)
    portal = FakeNationalPortal()
    send_all(portal, django_assert_max_num_queries)
    assert not SyncItem.objects.unsynced().exists()
    assert portal.records[dossier.code]["madonvi"] == "000.00.15.H29"
    assert portal.calls.count("create") == 1 and portal.calls.count("lookup") == 1


def test_an_agency_without_a_unit_code_row_goes_under_its_own_code():
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    portal = FakeNationalPortal()
    first = SyncItem.objects.filter(dossier=dossier, kind=ItemKind.DOSSIER).order_by("pk").first()
    assert services.send(item_id=first.pk, adapter=portal).status == "synced"
    assert portal.records[dossier.code]["madonvi"] == w.desk.agency.code
