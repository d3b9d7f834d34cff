"""Who sees a parcel's tracking and its label, and what the dossier pages and the queue show."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from accounts.models import User
from postal.models import DeliveryOrder, OrderStatus
from tests.dossiers.staff_support import office, sign_in
from tests.factories import CitizenProfileFactory
from tests.postal.support import approved_by_post, make_result_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(settings, django_capture_on_commit_callbacks):
    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    case = approved_by_post(fee=30_000)
    with django_capture_on_commit_callbacks(execute=True):
        make_result_ready(case)
    case.extra["order"] = DeliveryOrder.objects.get(dossier=case.dossier)
    return case


def people(case) -> dict:
    stranger_office = office()
    return {
        "anonymous": None,
        "owner": case.applicant,
        "other citizen": CitizenProfileFactory().user,
        "desk clerk": case.desk.clerk,
        "handling officer": case.handler.officer,
        "other agency's clerk": stranger_office.clerk,
        "superuser": User.objects.create_superuser(email="root@example.vn", password="x-Strong-42"),
    }


# Who gets what: the order page (tracking), the label, and the desk's actions.
EXPECTED = {
    #                       order  label  refresh cancel send_again(GET)
    "anonymous": (302, 302, 302, 302, 302),
    "owner": (200, 404, 404, 404, 404),
    "other citizen": (404, 404, 404, 404, 404),
    "desk clerk": (200, 200, 302, 302, 200),
    "handling officer": (200, 200, 302, 403, 403),
    "other agency's clerk": (404, 404, 404, 404, 404),
    "superuser": (200, 200, 302, 403, 403),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_tracking_and_label_only_for_the_agencies_staff_and_the_owner(client, sent, who):
    order = sent.extra["order"]
    user = people(sent)[who]
    if user is not None:
        sign_in(client, user)
    got = (
        client.get(reverse("postal:order", args=[order.pk])).status_code,
        client.get(reverse("postal:label", args=[order.pk])).status_code,
        client.post(reverse("postal:refresh", args=[order.pk])).status_code,
        client.post(reverse("postal:cancel", args=[order.pk]), {"reason": "thử"}).status_code,
        client.get(reverse("postal:send_again", args=[order.pk])).status_code,
    )
    assert got == EXPECTED[who]
    order.refresh_from_db()
    expected_status = OrderStatus.CANCELLED if who == "desk clerk" else OrderStatus.CREATED
    assert order.status == expected_status


def test_the_label_prints_the_parcel_in_vietnamese(client, sent):
    order = sent.extra["order"]
    sign_in(client, sent.desk.clerk)
    response = client.get(reverse("postal:label", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="phieu-gui-{order.tracking_number}.pdf"'
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    for expected in [
        order.tracking_number,
        "BƯU CHÍNH CÔNG ÍCH",
        "Nguyễn Thị Lan",
        "0915234678",
        "Số 15 đường Trần Hưng Đạo",
        "Phường Hoa Lư, Tỉnh Ninh Bình",
        "UBND phường Hoa Lư",
        "THU HỘ (COD)",
        "52.000 đồng",
        "Gồm phí, lệ phí: 30.000 đồng",
        sent.dossier.code,
    ]:
        assert expected in text, expected


def test_no_label_before_the_post_office_accepts_the_order(client, django_capture_on_commit_callbacks):
    case = approved_by_post()
    with django_capture_on_commit_callbacks(execute=False):
        make_result_ready(case)
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    sign_in(client, case.desk.clerk)
    assert client.get(reverse("postal:label", args=[order.pk])).status_code == 404


def test_the_citizens_dossier_page_shows_the_tracking(client, sent):
    order = sent.extra["order"]
    client.force_login(sent.applicant)
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("dossiers:detail", args=[sent.dossier.pk])).content.decode()
    assert "Delivery by public post" in page and order.tracking_number in page
    assert "Accepted by the post office" in page
    assert reverse("postal:order", args=[order.pk]) in page
    assert reverse("postal:label", args=[order.pk]) not in page  # the label is the desk's
    assert "52,000 VND" in page  # what the postman will ask for


def test_the_staff_dossier_page_shows_the_parcel_and_its_label(client, sent):
    order = sent.extra["order"]
    sign_in(client, sent.desk.clerk)
    page = client.get(reverse("staff:detail", args=[sent.dossier.pk])).content.decode()
    assert order.tracking_number in page and reverse("postal:label", args=[order.pk]) in page


def test_the_citizen_sees_the_carriers_events_not_the_portals_bookkeeping(client, sent):
    order = sent.extra["order"]
    client.force_login(sent.applicant)
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("postal:order", args=[order.pk])).content.decode()
    assert "Delivery order created" in page
    assert "Accepted by the post office: tracking number" not in page  # a portal event, staff only
    sign_in(client, sent.desk.clerk)
    page = client.get(reverse("postal:order", args=[order.pk])).content.decode()
    assert "Accepted by the post office: tracking number" in page


def test_the_queue_alert_costs_one_query_whatever_the_page(client, django_assert_max_num_queries, settings):
    """Parcels the desk must deal with (here: held, the address unreadable) are flagged in the queue with
    one query for the whole page."""
    settings.QUEUE_PAGE_CACHE_SECONDS = 0  # each request builds the page: what is counted
    first = approved_by_post(delivery_address="xóm Bến")
    make_result_ready(first)
    url = reverse("staff:queue", args=[first.desk.agency.code]) + "?view=all"
    sign_in(client, first.desk.clerk)
    client.get(url)
    with django_assert_max_num_queries(100) as one:
        response = client.get(url)
    assert response.content.decode().count("postal-alert") == 1
    for _ in range(4):
        case = approved_by_post(delivery_address="xóm Bến", desk=first.desk, handler=first.handler)
        make_result_ready(case)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("postal-alert") == 5


def test_the_admin_shows_orders_read_only_to_superusers(client, sent):
    order = sent.extra["order"]
    root = User.objects.create_superuser(email="admin@example.vn", password="x-Strong-42")
    sign_in(client, root)
    assert client.get(reverse("admin:postal_deliveryorder_changelist")).status_code == 200
    page = client.get(reverse("admin:postal_deliveryorder_change", args=[order.pk]))
    assert page.status_code == 200 and order.tracking_number in page.content.decode()
    assert client.post(reverse("admin:postal_deliveryorder_delete", args=[order.pk])).status_code == 403
    sign_in(client, sent.desk.clerk)
    assert client.get(reverse("admin:postal_deliveryorder_changelist")).status_code in {302, 403}
