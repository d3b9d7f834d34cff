"""The sandbox page shows each dossier as the national portal holds it and what differs from ours: a dossier
missing there, a status code, an appointment date, processing steps that never arrived."""

import pytest
from django.urls import reverse

from dossiers.models import DossierEvent
from national_portal_sandbox import selectors
from national_portal_sandbox.protocol import handle
from tests.factories import UserFactory, filed_dossier

pytestmark = pytest.mark.django_db


def staff_client(client, user):
    client.force_login(user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    return client


@pytest.fixture
def admin_client(client):
    return staff_client(client, UserFactory(is_superuser=True, is_staff=True))


def send_to_national(dossier, *, status_code, due_at="", steps=()):
    session = handle("login", {"username": "", "password": ""})[1]["session"]
    envelope = {"session": session, "madonvi": dossier.receiving_agency.code}
    record = {"MaHoSo": dossier.code, "MaTTHC": "1.0012", "TrangThaiHoSo": status_code, "NgayHenTra": due_at}
    sync = {**envelope, "service": "DongBoHoSoMC", "isUpdating": "false", "data": [record]}
    assert handle("service", sync)[1]["error_code"] == "00"
    for time in steps:
        step = {"MaHoSo": dossier.code, "ThoiDiemXuLy": time, "TrangThai": status_code, "NoiDungXuLy": "Nộp"}
        answer = handle("service", {**envelope, "service": "CapNhatTienDoHoSoMC", "data": [step]})
        assert answer[1]["error_code"] == "00"


def submit_time(dossier) -> str:
    event = DossierEvent.objects.get(dossier=dossier, action=DossierEvent.Action.SUBMIT)
    return selectors.national_time(event.at)


def test_a_dossier_we_have_and_the_national_portal_does_not_is_listed_as_missing(admin_client):
    dossier = filed_dossier()
    assert [row["code"] for row in selectors.ours_missing_nationally()] == [dossier.code]
    page = admin_client.get(reverse("national_portal_sandbox:index")).content.decode()
    assert dossier.code in page
    detail = admin_client.get(reverse("national_portal_sandbox:dossier", args=[dossier.code]))
    assert detail.status_code == 200
    assert selectors.compared_dossier(dossier.code).differences == ["missing_national"]
    send_to_national(dossier, status_code="1", steps=[submit_time(dossier)])
    assert not selectors.ours_missing_nationally().exists()


def test_the_same_dossier_on_both_sides_shows_no_difference(admin_client):
    dossier = filed_dossier()
    send_to_national(dossier, status_code="1", steps=[submit_time(dossier)])
    assert selectors.compared_dossier(dossier.code).differences == []


def test_a_status_code_that_differs_from_our_mapped_state_is_shown(admin_client):
    dossier = filed_dossier()  # submitted: national code 1
    send_to_national(dossier, status_code="4", steps=[submit_time(dossier)])
    comparison = selectors.compared_dossier(dossier.code)
    assert comparison.differences == ["status"]
    assert comparison.expected_code == "1"
    page = admin_client.get(reverse("national_portal_sandbox:dossier", args=[dossier.code])).content.decode()
    assert "Mã trạng thái khác nhau" in page


def test_an_appointment_date_and_missing_steps_are_shown(admin_client):
    dossier = filed_dossier()
    send_to_national(dossier, status_code="1", due_at="20261231000000")
    assert selectors.compared_dossier(dossier.code).differences == ["due_date", "steps"]


def test_a_dossier_only_the_national_portal_holds_is_shown_as_not_ours(admin_client):
    dossier = filed_dossier()
    send_to_national(dossier, status_code="1", steps=[submit_time(dossier)])
    session = handle("login", {"username": "", "password": ""})[1]["session"]
    record = {"MaHoSo": "KHONG-CO-0001", "MaTTHC": "1.001234", "TrangThaiHoSo": "2"}
    envelope = {"session": session, "madonvi": "U", "service": "DongBoHoSoMC", "isUpdating": "false"}
    handle("service", {**envelope, "data": [record]})
    assert selectors.compared_dossier("KHONG-CO-0001").differences == ["missing_ours"]
    differing = [c.code for c in selectors.compared_list(only_differing=True)]
    assert differing == ["KHONG-CO-0001"]
    everything = [c.code for c in selectors.compared_list(only_differing=False)]
    assert set(everything) == {"KHONG-CO-0001", dossier.code}


def test_the_only_differing_filter_of_the_page_hides_the_matching_dossiers(admin_client):
    same, differing = filed_dossier(), filed_dossier()
    send_to_national(same, status_code="1", steps=[submit_time(same)])
    send_to_national(differing, status_code="4", steps=[submit_time(differing)])
    url = reverse("national_portal_sandbox:index")
    same_link, differing_link = (
        f'href="{reverse("national_portal_sandbox:dossier", args=[d.code])}"' for d in (same, differing)
    )
    everything = admin_client.get(url).content.decode()
    assert same_link in everything and differing_link in everything
    filtered = admin_client.get(url, {"only_differing": "on"}).content.decode()
    assert differing_link in filtered and same_link not in filtered


def test_an_unknown_code_is_not_found(admin_client):
    assert admin_client.get(reverse("national_portal_sandbox:dossier", args=["KHONG-CO"])).status_code == 404


def test_the_list_page_reads_a_fixed_number_of_queries_whatever_the_number_of_dossiers(
    admin_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("national_portal_sandbox:index")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    dossier = filed_dossier()
    send_to_national(dossier, status_code="4", steps=[submit_time(dossier)])
    filed_dossier()
    queries()  # the session and the header's unread count (kept in the cache): warm
    few = queries()
    for _ in range(4):
        dossier = filed_dossier()
        send_to_national(dossier, status_code="4", steps=[submit_time(dossier)])
        filed_dossier()
    assert queries() == few
    with django_assert_max_num_queries(20):
        admin_client.get(url)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dossier_the_portals_own_sync_sent_shows_no_difference():
    """national_sync's client (embedded default: in process) against the sandbox, after commit."""
    from dossiers.services import intake
    from tests.factories import staff_member

    dossier = filed_dossier()
    dossier = intake.receive(dossier=dossier, clerk=staff_member(dossier.receiving_agency))
    comparison = selectors.compared_dossier(dossier.code)
    assert comparison.national is not None and comparison.national.status_code == "2"
    assert [missing for _time, _label, missing in comparison.expected_steps] == [False, False]
    assert comparison.differences == []
