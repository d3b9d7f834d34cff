"""Browser protections: a Content-Security-Policy without 'unsafe-inline' (django-csp, nonces), a
Permissions-Policy, no-store for signed-in pages, and the client's address behind our own proxies."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.middleware import SESSION_MFA_OK
from common.http import client_ip
from dossiers.services.lookups import LOOKUP_LIMIT
from tests.factories import CitizenProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Printed documents: rendered to PDF by WeasyPrint, never served as HTML pages (their <style> is theirs).
PRINT_TEMPLATES = {
    "templates/common/official_document.html",
    "templates/portal/demo/form_template.html",
    "templates/dossiers/slips/control.html",
    "templates/dossiers/slips/receipt.html",
    "templates/dossiers/slips/supplement.html",
    "payments/templates/payments/receipt.html",
    "postal/templates/postal/label.html",
}
NONCE = 'nonce="{{ request.csp_nonce }}"'
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def staff_client(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_MFA_OK] = True
    session.save()
    return client


# --- Content-Security-Policy ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/procedures/", "/accounts/login/", "/dossiers/lookup/", "/api/docs/"])
def test_pages_carry_a_policy_without_unsafe_inline(client, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]  # QR codes and the TOTP set-up code are data: images
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_no_served_template_has_an_inline_script_style_or_handler():
    """Scripts and styles live in static files; the one exception (Swagger UI's style rules) carries the
    request's nonce. The printed documents are PDF only."""
    offenders = []
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "build/")) or relative in PRINT_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        for match in INLINE.finditer(text):
            if NONCE not in text[match.start() : match.start() + 60]:
                offenders.append(f"{relative}: {match.group(0)}")
    assert not offenders, offenders


def test_the_inline_style_of_swagger_ui_carries_the_nonce_of_the_header(client):
    response = client.get("/api/docs/")

    [nonce] = re.findall(r'<style nonce="([^"]+)"', response.content.decode())
    assert f"'nonce-{nonce}'" in directives(response)["style-src"]
    assert "<script>" not in response.content.decode()  # the start-up script is a file (?script)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize(
    "path", ["/admin/procedures/procedureversion/", "/admin/procedures/procedureversion/export/"]
)
def test_admin_pages_have_no_inline_script_or_style(client, path):
    staff_client(client, UserFactory(catalogue_admin=True, catalogue_permissions=True))

    page = client.get(path).content.decode()

    assert not [m.group(0) for m in INLINE.finditer(page)], path


def test_a_csp_that_a_view_set_is_kept():
    """User files are served with `Content-Security-Policy: sandbox` (common/downloads.py): the site's
    policy must not replace it."""
    from csp.middleware import CSPMiddleware

    def view(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox"
        return response

    request = RequestFactory().get("/dossiers/1/documents/1/")
    middleware = CSPMiddleware(view)

    assert middleware(request)["Content-Security-Policy"] == "sandbox"


def test_with_vnpay_the_forms_may_lead_to_the_gateways_page():
    """The Pay button posts to the portal, which redirects to VNPay: chromium checks form-action on that
    redirect, so the gateway's origin is allowed (and only with PAYMENT_GATEWAY=vnpay)."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PAYMENT_GATEWAY": "vnpay",
        "VNPAY_TMN_CODE": "DEMO0001",
        "VNPAY_HASH_SECRET": "secret",
        "VNPAY_PAYMENT_URL": "https://pay.vnpay.vn/vpcpay.html",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["'self'", "https://pay.vnpay.vn"]


# --- Permissions-Policy, Cache-Control ------------------------------------------------------------------
def test_every_answer_switches_off_the_browser_features_no_page_uses(client):
    for response in (client.get("/"), client.get("/no-such-page/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy


def test_signed_in_pages_are_never_stored(client):
    assert "no-store" not in client.get("/procedures/").get("Cache-Control", "")  # public: may be cached

    client.force_login(CitizenProfileFactory().user)

    for path in ["/procedures/", reverse("dashboard"), reverse("dossiers:mine"), reverse("accounts:profile")]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


def test_a_signed_in_download_is_never_stored(client):
    from tests.dossiers.factories_extra import citizen
    from tests.factories import filed_dossier

    person = citizen()
    dossier = filed_dossier(applicant=person)
    document = dossier.documents.first()
    client.force_login(person)

    response = client.get(reverse("dossiers:document", args=[document.pk]))

    response.close()  # a FileResponse: its file is open until then
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "sandbox"  # the file's own policy, not the site's


# --- the client's address behind our proxies ------------------------------------------------------------
def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.7", "10.0.0.9")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.23", "198.51.100.23"),  # the load balancer appended the client's address
        (1, "6.6.6.6, 198.51.100.23", "198.51.100.23"),  # what the client wrote itself is not read
        (2, "6.6.6.6, 198.51.100.23, 10.0.0.2", "198.51.100.23"),  # balancer, then a reverse proxy
        (2, "198.51.100.23", "198.51.100.23"),  # fewer hops than proxies: the one our proxy wrote
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.1"),  # a broken header: the proxy's own address
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_our_proxies_the_clients_hop_is_taken(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_behind_the_load_balancer_each_citizen_has_their_own_lookup_bucket(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    lookup = reverse("dossiers:lookup")

    def look_up(forwarded, number):
        code = f"000.00.99.H99-250101-{number:04d}"  # another code each time: no code reaches its own lock
        return client.get(lookup, {"code": code, "digits": "0000"}, REMOTE_ADDR="10.0.0.1", **forwarded)

    for number in range(LOOKUP_LIMIT):
        assert look_up({"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, number).status_code == 200
    assert look_up({"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, 99).status_code == 429
    # Another citizen behind the same balancer is not held; a header the first one writes does not help.
    assert look_up({"HTTP_X_FORWARDED_FOR": "198.51.100.2"}, 98).status_code == 200
    assert look_up({"HTTP_X_FORWARDED_FOR": "192.0.2.50, 198.51.100.1"}, 97).status_code == 429


def test_allauths_rate_limits_read_the_same_address(settings):
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(request_from("10.0.0.1", "6.6.6.6, 198.51.100.23")) == "198.51.100.23"
