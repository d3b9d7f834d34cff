"""Issue 15 parts 4 and 5 in a browser, on a phone and a desktop: the queue flags a dossier at risk of being
late before it is late, its page links to the apology form opened and prefilled, and the catalogue advisor
lists what could go full-process. axe-core checks every page (conftest)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from common import clock
from dossiers import services, working_days
from procedures.models import Agency
from tests.accounts.factories_extra import PASSWORD, TOTPAuthenticatorFactory, fresh_totp_code, verified_user
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    ProcedureVersionFactory,
    filed_dossier,
    pdf_upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots/h6")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def ward():
    ward = AgencyFactory(code="000.01.30.H43", name="UBND phường Hoa Lư", kind=Agency.Kind.COMMUNE)
    clerk = verified_user(role=Role.CLERK, full_name="Phạm Văn Tiếp")
    officer = verified_user(role=Role.OFFICER, full_name="Đinh Thị Hà")
    for person in (clerk, officer):
        AgencyMembershipFactory(user=person, agency=ward)
    slow = ProcedureVersionFactory(
        published=True, name="Đăng ký khai sinh", agencies=[ward], documents=0, processing_days=5
    )
    # The ward's last five dossiers of it took 8 working days from receipt to the result.
    today = timezone.localdate()
    received = working_days.add_working_days(today - datetime.timedelta(days=40), 1)
    for _n in range(5):
        with clock.running_at(at(received)):
            dossier = services.receive(dossier=filed_dossier(version=slow), clerk=clerk)
            dossier = services.transfer(dossier=dossier, by=clerk, to_agency=ward, assignee=officer)
        with clock.running_at(at(working_days.add_working_days(received, 8), 10)):
            dossier = services.approve(dossier=dossier, officer=officer, result_file=pdf_upload())
            services.mark_result_ready(dossier=dossier, by=officer)
    at_risk = services.receive(dossier=filed_dossier(version=slow), clerk=clerk)
    services.transfer(dossier=at_risk, by=clerk, to_agency=ward, assignee=officer)
    # The advisor's candidates: partial procedures whose only desk step is the originals check.
    for name, filed in [("Chứng thực bản sao từ bản chính", 3), ("Cấp bản sao trích lục hộ tịch", 1)]:
        version = ProcedureVersionFactory(
            published=True,
            name=name,
            agencies=[ward],
            documents=1,
            service_level="partial",
            partial_reason="originals",
        )
        for _n in range(filed):
            filed_dossier(version=version)
    return {"ward": ward, "clerk": clerk, "totp": TOTPAuthenticatorFactory(user=clerk), "at_risk": at_risk}


def sign_in(page, base, user, totp):
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.locator("#id_code").fill(fresh_totp_code(totp))
    page.locator("main").get_by_role("button").first.click()


def no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def nothing_cut_in_deadlines_and_fees(page):
    """The queue's deadline and fee cells show their whole text (wrapped, never ending in "…")."""
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.queue-lines td.col-due, .queue-lines td.col-extra')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.textContent.trim())"""
    )
    assert cut == []


def test_the_queue_warns_before_late_and_the_advisor_lists_what_could_go_online(page, base, ward):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, base, ward["clerk"], ward["totp"])
    code = ward["ward"].code
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})

        page.goto(f"{base}/staff/{code}/queue/?view=in_progress")
        row = page.locator("tr", has_text=ward["at_risk"].code)
        expect(row.locator(".at-risk")).to_have_text("Có nguy cơ trễ hạn")
        # The flag does not push the procedure's name out of its cell (it did, on a desktop: "Có nguy cơ
        # trễ h…" and no name at all).
        name = row.locator(".procedure-name")
        expect(name).to_have_text("Đăng ký khai sinh")
        assert name.evaluate("element => element.scrollWidth <= element.clientWidth + 1"), size
        no_sideways_scroll(page)
        nothing_cut_in_deadlines_and_fees(page)
        page.screenshot(path=str(SHOTS / f"queue-{size}.png"), full_page=True)

        page.goto(f"{base}/staff/dossiers/{ward['at_risk'].pk}/")
        expect(page.locator(".early-warning")).to_contain_text("Có nguy cơ trễ hạn")
        page.screenshot(path=str(SHOTS / f"dossier-{size}.png"), full_page=True)
        page.locator(".early-warning a").click()
        apology = page.locator("#action-apology")
        expect(apology).to_have_attribute("open", "")
        expect(apology.locator("textarea")).to_have_value(re.compile("Số lượng hồ sơ"))
        expect(apology.locator("input[type=date]")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        apology.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"apology-{size}.png"))

        page.goto(f"{base}/dashboard/catalogue-advisor/{code}/")
        rows = page.locator("li.advisor-candidate")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Chứng thực bản sao từ bản chính")
        expect(rows.first.locator(".advisor-dossiers strong")).to_have_text("3")
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"advisor-{size}.png"), full_page=True)
