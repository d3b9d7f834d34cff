"""The staff page of the sync: figures per agency and period, the refused rows with "Thử lại", the mapping;
agency X's staff see X only; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import State
from national_sync.models import ItemStatus, StatusMapping, SyncItem
from tests.dossiers.staff_support import dossier_in, sign_in, world
from tests.factories import UserFactory
from tests.national_sync.support import FakeNationalPortal
from tests.national_sync.test_outbox import drain

pytestmark = pytest.mark.django_db
URL = reverse("national_sync:health")


def refused_world():
    """Two agencies' dossiers; the desk's "received" cannot be mapped, so its row is refused."""
    StatusMapping.objects.filter(kind="state", value="received").update(national_code="")
    w = world()
    dossier = dossier_in(w, State.RECEIVED)
    other = world()
    dossier_in(other, State.SUBMITTED)
    drain(FakeNationalPortal())
    return w, other, dossier


def test_staff_see_the_figures_and_the_refused_change_of_their_agency(client):
    w, _other, dossier = refused_world()
    sign_in(client, w.desk.clerk, language="vi")
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đồng bộ với Cổng Dịch vụ công quốc gia" in html
    assert dossier.code in html and "no mapping for state &#x27;received&#x27;" in html
    assert "Thử lại" in html and w.desk.agency.name in html


def test_agency_x_staff_do_not_see_agency_y(client):
    w, other, dossier = refused_world()
    sign_in(client, other.desk.clerk)
    response = client.get(URL, {"agency": w.desk.agency.code})
    html = response.content.decode()
    assert response.status_code == 400  # not one of their agencies: their own figures, with the reason
    assert f'value="{w.desk.agency.code}"' not in html and dossier.code not in html
    failed = SyncItem.objects.get(status=ItemStatus.FAILED)
    assert client.post(reverse("national_sync:retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == ItemStatus.FAILED


def test_citizens_and_visitors_are_kept_out(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_try_again_puts_the_row_back_in_the_outbox(client, django_capture_on_commit_callbacks, monkeypatch):
    w, _other, _dossier = refused_world()
    queued = []
    monkeypatch.setattr("national_sync.services.enqueue", lambda ids, **kw: queued.extend(ids))
    failed = SyncItem.objects.get(status=ItemStatus.FAILED)
    sign_in(client, w.desk.clerk)
    assert client.get(reverse("national_sync:retry", args=[failed.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("national_sync:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == ItemStatus.PENDING and queued == [failed.pk]


def test_hostile_period_input_is_a_400_with_the_reason(client):
    w, _other, _dossier = refused_world()
    sign_in(client, w.desk.clerk)
    response = client.get(URL, {"agency": w.desk.agency.code, "start": "2026-13-45", "end": "x" * 500})
    assert response.status_code == 400
    response = client.get(URL, {"agency": w.desk.agency.code, "start": "2026-12-05", "end": "2026-01-01"})
    assert response.status_code == 400 and "start date" in response.content.decode()


def test_the_page_costs_the_same_queries_however_many_rows(client):
    w, _other, _dossier = refused_world()
    sign_in(client, w.desk.clerk)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(3):
        dossier_in(w, State.RECEIVED)
    drain(FakeNationalPortal())
    assert SyncItem.objects.filter(status=ItemStatus.FAILED).count() == 4
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few) <= 14, [q["sql"] for q in many.captured_queries]


def test_the_alerts_link_with_only_the_agency_shows_this_month(client):
    w, _other, dossier = refused_world()
    sign_in(client, w.desk.clerk)
    response = client.get(URL, {"agency": w.desk.agency.code})
    assert response.status_code == 200 and dossier.code in response.content.decode()
