"""The Decision 766 scorecard in a browser: a leader signs in, opens the scorecard from the menu, changes the
period, follows a figure down to its dossiers; anyone opens the public page. axe runs on every page."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from common import clock
from procedures.models import Agency
from scorecard import figures, selectors
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.test_clerk_desk import sign_in
from tests.factories import AgencyFactory, AgencyMembershipFactory, ProcedureVersionFactory
from tests.scorecard.support import spread

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/h7")


@pytest.fixture
def province():
    justice = AgencyFactory(code="000.00.05.H43", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    ward = AgencyFactory(code="000.01.30.H43", name="UBND phường Hoa Lư", kind=Agency.Kind.COMMUNE)
    versions = [
        ProcedureVersionFactory(published=True, agencies=[justice, ward], processing_days=days, documents=0)
        for days in (3, 7)
    ]
    for version in versions:  # published long ago: the catalogue indicators (3.1, 3.2) have data
        version.__class__.objects.filter(pk=version.pk).update(
            published_at=clock.now() - datetime.timedelta(days=400)
        )
    month = selectors.last_complete_month(clock.localdate())
    start = month.start - datetime.timedelta(days=62)
    spread(versions, [justice, ward], start, (month.end - start).days + 1)
    figures.refresh_days(start, month.end + datetime.timedelta(days=15))
    leader = verified_user(role=Role.OFFICER, full_name="Đinh Thị Hà")
    AgencyMembershipFactory(user=leader, agency=justice, is_supervisor=True)
    return {
        "leader": leader,
        "totp": TOTPAuthenticatorFactory(user=leader),
        "month": month,
        "justice": justice,
    }


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_leader_reads_the_scorecard_changes_the_period_and_opens_the_dossiers_behind_a_figure(
    page, base, province
):
    sign_in(page, base, province["leader"], province["totp"])
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Chỉ số chất lượng phục vụ").click()
    expect(page).to_have_url(re.compile(r"/staff/scorecard/$"))
    expect(page.locator("h2#total-title")).to_contain_text(f"kỳ {province['month'].label}")
    expect(page.locator("[data-total]")).not_to_have_text("")
    expect(page.locator("tr[data-indicator='4.5']")).to_contain_text("Chưa có dữ liệu")
    expect(page.locator(".scorecard-trend")).to_have_count(6)
    expect(page.locator(".scorecard-ranking li")).to_have_count(2)
    shoot(page, "scorecard")

    # Another period: the quarter of that month.
    month = province["month"]
    page.locator("#id_period").select_option("quarter")
    page.locator("#id_quarter").select_option(str((month.number + 2) // 3))
    page.locator("#id_year").select_option(str(month.year))
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("h2#total-title")).to_contain_text(f"Q{(month.number + 2) // 3}/{month.year}")

    # 2.1's numerator: the dossiers decided on time, as many as the figure says.
    link = page.locator("tr[data-indicator='2.1'] a").first
    counted = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_have_text("Hồ sơ giải quyết đúng hạn")
    expect(page.locator("[data-count]")).to_contain_text(counted)
    shoot(page, "scorecard-dossiers")

    # A trend point opens that month.
    page.go_back()
    page.locator(f".scorecard-trend a[aria-label^='{month.label}:']").first.click()
    expect(page.locator("h2#total-title")).to_contain_text(f"kỳ {month.end.month:02d}/{month.year}")


def test_anyone_reads_the_public_index(page, base, province):
    page.goto(base + "/chi-so-phuc-vu/")
    expect(page.locator("h1")).to_have_text("Chỉ số phục vụ người dân, doanh nghiệp")
    expect(page.locator("[data-province-total]")).not_to_have_text("")
    expect(page.locator(".scorecard-ranking li")).to_have_count(2)
    shoot(page, "public")
