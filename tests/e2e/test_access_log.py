"""Who opened my documents, in a browser: a clerk of the receiving agency signs in (two factors), opens a
citizen's document from the dossier's staff page; the citizen then reads on their dossier page, under "Ai đã
xem giấy tờ của tôi", the clerk's name, role and agency and the file. The auditor's export page answers a bad
period with a message. axe-core checks every page (conftest). Screenshots: /tmp/shots/accesslog/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from dossiers.models import DocumentAccess
from tests.accounts.factories_extra import TOTPAuthenticatorFactory, verified_user
from tests.e2e.support import PHONE, shoot, sign_in
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CitizenProfileFactory,
    ProcedureVersionFactory,
    filed_dossier,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHOTS = Path("/tmp/shots/accesslog")


def sign_out(page, base):
    page.context.clear_cookies()
    page.goto(base + "/")


def test_a_clerk_opens_a_document_and_the_citizen_sees_it_on_the_dossier(page, base):
    page.set_viewport_size(PHONE)
    agency = AgencyFactory(name="UBND phường Hoa Lư")
    applicant = verified_user(full_name="Trần Thị Mai")
    CitizenProfileFactory(user=applicant, full_name=applicant.full_name)
    version = ProcedureVersionFactory(published=True, agencies=[agency], name="Cấp bản sao trích lục hộ tịch")
    dossier = filed_dossier(version=version, applicant=applicant)
    clerk = verified_user(role=Role.CLERK, full_name="Lê Văn Quầy")
    AgencyMembershipFactory(user=clerk, agency=agency)
    totp = TOTPAuthenticatorFactory(user=clerk)
    name = dossier.documents.select_related("stored_file").first().stored_file.original_name

    sign_in(page, base, clerk, totp)
    page.goto(f"{base}/staff/dossiers/{dossier.pk}/")
    link = page.locator("#documents-title + * a, .document-list a").filter(has_text=name).first
    href = link.get_attribute("href")
    answer = page.request.get(base + href)  # the browser's session: what clicking the link downloads
    assert answer.status == 200 and answer.body().startswith(b"%PDF")
    assert DocumentAccess.objects.filter(user=clerk, dossier=dossier).count() == 1
    sign_out(page, base)

    sign_in(page, base, applicant)
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    section = page.locator("section[aria-labelledby=accesses-title]")
    expect(section.get_by_role("heading", name="Ai đã xem giấy tờ của tôi")).to_be_visible()
    expect(section).to_contain_text(
        f"Lê Văn Quầy, Công chức Bộ phận Một cửa, UBND phường Hoa Lư đã mở {name}"
    )
    section.scroll_into_view_if_needed()
    shoot(page, SHOTS, "1-dossier-page")
    page.goto(f"{base}/dossiers/{dossier.pk}/accesses/")
    expect(page.locator("h1")).to_have_text("Ai đã xem giấy tờ của tôi")
    shoot(page, SHOTS, "2-all-accesses")
    page.goto(f"{base}/dossiers/files/accesses/")
    expect(page.locator("main")).to_contain_text("Chưa có ai mở các tệp này.")
    shoot(page, SHOTS, "3-data-store-accesses")


def test_the_auditor_is_told_what_is_wrong_with_a_period(page, base):
    page.set_viewport_size(PHONE)
    auditor = verified_user(is_superuser=True, is_staff=True, role=Role.CATALOGUE_ADMIN, full_name="Kiểm Tra")
    totp = TOTPAuthenticatorFactory(user=auditor)
    sign_in(page, base, auditor, totp)
    page.goto(f"{base}/staff/access-log/")
    expect(page.locator("h1")).to_have_text("Xuất nhật ký mở giấy tờ")
    shoot(page, SHOTS, "4-export")
    page.locator("#id_date_from").fill("2026-03-01")
    page.locator("#id_date_to").fill("2026-02-01")
    page.get_by_role("button", name="Tải tệp CSV").click()
    expect(page.locator("main")).to_contain_text("Ngày kết thúc ở trước ngày bắt đầu.")
    shoot(page, SHOTS, "5-export-bad-period")
