"""The citizen follows the parcel with their result on the dossier page, from accepted to delivered."""

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from postal import tasks
from postal.models import DeliveryOrder, SandboxShipment
from tests.postal.support import approved_by_post, make_result_ready

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-42"  # tests.factories.UserFactory


def test_the_citizen_sees_the_postal_tracking_on_the_dossier_page(page, base, settings):
    settings.POSTAL_SANDBOX_FAILURE_RATE = 0.0
    settings.POSTAL_SANDBOX_STEP_SECONDS = 1  # the sandbox post office moves a step a second
    case = approved_by_post()
    make_result_ready(case)  # committed: the on-commit task hands the order to the (sandbox) post office
    order = DeliveryOrder.objects.get(dossier=case.dossier)
    assert order.tracking_number
    citizen = case.applicant
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)

    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(citizen.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")

    page.goto(f"{base}/dossiers/{case.dossier.pk}/")
    panel = page.locator("#delivery")
    expect(panel.get_by_role("heading", name="Chuyển phát qua bưu chính công ích")).to_be_visible()
    expect(panel.locator(".tracking-number")).to_have_text(order.tracking_number)
    expect(panel.locator(".delivery-status")).to_have_text("Bưu điện đã nhận đơn hàng")
    expect(panel).to_contain_text("Phường Hoa Lư, Tỉnh Ninh Bình")
    expect(panel.get_by_role("link", name="Phiếu gửi (PDF)")).to_have_count(0)  # the label is the desk's

    # Three steps later the post office has picked it up, sorted and delivered it; its notices (the beat
    # task) reach the portal while the page is open.
    shipment = SandboxShipment.objects.get()
    time.sleep(
        max(0.0, (shipment.created_at + datetime.timedelta(seconds=3.2) - timezone.now()).total_seconds())
    )
    assert tasks.advance_sandbox.delay().get() == 4
    page.reload()
    expect(panel.locator(".delivery-status")).to_have_text("Đã phát thành công")
    expect(panel.locator(".delivery-timeline")).to_contain_text("Phát thành công.")
    expect(page.locator(".status-card")).to_have_class(re.compile(r"state-returned"))

    panel.get_by_role("link", name="Xem toàn bộ hành trình").click()
    expect(page).to_have_url(re.compile(rf"/postal/orders/{order.pk}/$"))
    timeline = page.locator(".delivery-timeline li")
    expect(timeline).to_have_count(5)  # the order created, then the four steps the post office reported
    expect(timeline.last).to_contain_text("Đã phát thành công")
