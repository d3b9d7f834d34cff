"""The Content-Security-Policy in a real browser: the pages whose scripts and styles moved out of the
templates (the admin's workflow and export pages, the profile's commune list, the full-process share,
Swagger UI) still work, and chromium refuses nothing (the autouse check in conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories_extra import (
    PASSWORD,
    ProvinceFactory,
    TOTPAuthenticatorFactory,
    fresh_totp_code,
    verified_user,
)
from tests.factories import AdministrativeUnitFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base, user, totp=None):
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    if totp is not None:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("#id_code").fill(fresh_totp_code(totp))
        page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".site-nav")).to_contain_text("Đăng xuất")


def test_the_catalogue_admin_works_under_the_policy(page, base, _no_content_security_policy_violation):
    admin = verified_user(role=Role.CATALOGUE_ADMIN, is_staff=True, is_superuser=True)
    version = ProcedureVersionFactory(name="Đăng ký kết hôn")
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")  # a row on the full-process page
    sign_in(page, base, admin, TOTPAuthenticatorFactory(user=admin))

    for path in [
        "/admin/",
        "/admin/procedures/procedureversion/",
        "/admin/procedures/procedureversion/import/",
    ]:
        page.goto(base + path)
        expect(page.locator("#content")).to_be_visible()
    page.goto(f"{base}/admin/procedures/procedureversion/{version.pk}/change/")
    workflow = page.locator("#workflow-buttons form").first
    expect(workflow).to_be_visible()
    # Its inline style attributes became classes of static/css/admin.css, which the page loads.
    sheets = page.evaluate("[...document.styleSheets].map(sheet => sheet.href || '')")
    assert any(href.endswith("/static/css/admin.css") for href in sheets), sheets

    page.goto(f"{base}/admin/procedures/procedureversion/export/")
    toggle = page.locator("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    toggle.uncheck()  # static/js/admin-export.js, once an inline onchange
    expect(fields.first).not_to_be_checked()

    page.goto(base + "/dashboard/full-process/")
    expect(page.locator("meter.meter").first).to_be_visible()

    page.goto(base + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cổng dịch vụ công API")
    assert _no_content_security_policy_violation == []


def test_the_profile_narrows_the_communes_to_the_province(page, base):
    hanoi, hue = ProvinceFactory(name="Thành phố Hà Nội"), ProvinceFactory(name="Thành phố Huế")
    AdministrativeUnitFactory(name="Phường Ba Đình", parent=hanoi)
    AdministrativeUnitFactory(name="Phường Thuận Hóa", parent=hue)
    sign_in(page, base, verified_user(full_name="Lê Văn Tám"))

    page.goto(base + "/accounts/profile/")
    page.locator("#id_province").select_option(label="Thành phố Huế")

    options = page.locator("#id_commune option").all_inner_texts()
    assert "Phường Thuận Hóa" in options and "Phường Ba Đình" not in options


def test_the_authenticator_set_up_shows_its_qr_code(page, base):
    """The QR code is a data: image (img-src allows data:)."""
    clerk = verified_user(role=Role.CLERK)
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(clerk.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))  # before a new authenticator
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    qr = page.locator("main img[src^='data:']").first
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
