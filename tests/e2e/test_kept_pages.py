"""The citizen's pages kept in the cache, in a browser: "my dossiers" under a fingerprint of the citizen's
dossiers, the header's unread count until a notice or a reading commits. Each change shows on the next
load."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from notifications.services import notify
from tests.accounts.factories_extra import verified_user
from tests.dossiers.factories_extra import draft
from tests.e2e.support import shoot, sign_in
from tests.factories import CitizenProfileFactory, ProcedureVersionFactory, filed_dossier

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots/kept")


def test_my_dossiers_and_the_unread_count_follow_each_change_on_the_next_load(page, base):
    person = verified_user(full_name="Trần Thị Bích Ngọc")
    CitizenProfileFactory(user=person, full_name="Trần Thị Bích Ngọc", phone="0912345678")
    filed = filed_dossier(applicant=person, version=ProcedureVersionFactory(published=True, documents=0))
    sign_in(page, base, person)
    page.goto(base + "/dossiers/")
    rows = page.locator(".dossier-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(filed.code)
    page.reload()  # read again: from the cache
    expect(rows).to_have_count(1)
    unread = page.locator(".nav-notices .nav-count")
    before = int(unread.inner_text()) if unread.count() else 0

    draft(applicant=person, version=ProcedureVersionFactory(published=True, name="Cấp phiếu lý lịch tư pháp"))
    notify(recipient=person, event="dossier_approved", context={"link": "/dossiers/"})
    page.reload()
    expect(rows).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Cấp phiếu lý lịch tư pháp")
    expect(unread).to_have_text(str(before + 1))
    shoot(page, SHOTS, "1-my-dossiers")

    page.goto(base + "/notifications/")
    page.locator("form[action$='/read-all/'] button").click()
    page.goto(base + "/dossiers/")
    expect(unread).to_have_count(0)
    shoot(page, SHOTS, "2-all-read")
