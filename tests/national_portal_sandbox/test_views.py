"""The sandbox national portal over HTTP (never a 5xx on garbage, 503 when down) and who may open its page
and use its controls."""

import json

import pytest
from django.urls import reverse

from national_portal_sandbox.models import NationalDossier, ReceivedCall, SandboxSettings
from national_portal_sandbox.protocol import handle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/national-portal-sandbox/api/login"
SERVICE_URL = "/national-portal-sandbox/api/service"


def post_json(client, url, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def staff_client(client, user):
    client.force_login(user)
    session = client.session
    session["_portal_mfa_ok"] = True
    session.save()
    return client


def administrator():
    return UserFactory(is_superuser=True, is_staff=True)


def test_the_api_logs_in_and_answers_a_lookup_over_http(client):
    login = post_json(client, LOGIN_URL, {"username": "", "password": ""})
    assert login.status_code == 200 and login.json()["error_code"] == "0"
    body = {
        "session": login.json()["session"],
        "madonvi": "000.00.15.H29",
        "service": "TraCuuHoSo",
        "data": {"MaHoSo": "X-1"},
    }
    answer = post_json(client, SERVICE_URL, body)
    assert answer.status_code == 200 and answer.json() == {
        "error_code": "00",
        "message": "Không tìm thấy hồ sơ",
        "result": [],
    }


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe garbage",
        "[1, 2, 3]",
        '"a string"',
        "null",
        "[" * 5000 + "]" * 5000,
        '{"session": "x", "madonvi": "\\u0000", "service": "TraCuuHoSo"}',
        '{"username": "\\ud800", "password": ""}',
    ],
)
@pytest.mark.parametrize("url", [LOGIN_URL, SERVICE_URL])
def test_garbage_gets_400_with_the_invalid_data_code_never_a_server_error(client, url, body):
    response = post_json(client, url, body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "01"
    assert ReceivedCall.objects.filter(http_status=400).count() == 1


def test_only_post_is_accepted(client):
    assert client.get(SERVICE_URL).status_code == 405


def test_down_answers_503_to_every_call(client):
    SandboxSettings.load()
    SandboxSettings.objects.update(down=True)
    for url in (LOGIN_URL, SERVICE_URL):
        response = post_json(client, url, {"username": "", "password": ""})
        assert response.status_code == 503 and response.json()["error_code"] == "99"
    assert post_json(client, SERVICE_URL, b"{garbage").status_code == 503


def test_the_sandbox_is_off_when_the_http_adapter_points_at_the_real_portal(client, settings):
    settings.NATIONAL_PORTAL = {
        **settings.NATIONAL_PORTAL,
        "ADAPTER": "http",
        "BASE_URL": "https://dichvucong.gov.vn/api",
    }
    assert post_json(client, LOGIN_URL, {"username": "", "password": ""}).status_code == 404
    staff_client(client, administrator())
    assert client.get(reverse("national_portal_sandbox:index")).status_code == 404


def test_the_http_adapter_may_point_at_the_sandbox_itself(client, settings):
    settings.NATIONAL_PORTAL = {
        **settings.NATIONAL_PORTAL,
        "ADAPTER": "http",
        "BASE_URL": "http://127.0.0.1:8000/national-portal-sandbox/api",
    }
    assert post_json(client, LOGIN_URL, {"username": "", "password": ""}).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("national_portal_sandbox:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["citizen", "clerk", "officer", "finance"])
def test_citizens_and_agency_staff_may_not_see_the_page_or_use_the_controls(client, role):
    staff_client(client, UserFactory(role=role))
    assert client.get(reverse("national_portal_sandbox:index")).status_code == 403
    response = client.post(reverse("national_portal_sandbox:availability"), {"down": "1"})
    assert response.status_code == 403
    assert client.post(reverse("national_portal_sandbox:clear")).status_code == 403
    assert not SandboxSettings.load().down


def test_an_administrator_sees_the_page_in_vietnamese(client):
    staff_client(client, administrator())
    response = client.get(reverse("national_portal_sandbox:index"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "Cổng Dịch vụ công quốc gia thử nghiệm" in response.content.decode()


def test_an_administrator_takes_the_sandbox_down_and_brings_it_back(client):
    staff_client(client, administrator())
    client.post(reverse("national_portal_sandbox:availability"), {"down": "1"})
    assert SandboxSettings.load().down
    assert post_json(client, LOGIN_URL, {"username": "", "password": ""}).status_code == 503
    client.post(reverse("national_portal_sandbox:availability"), {"down": "0"})
    assert not SandboxSettings.load().down


def test_an_administrator_sets_the_failing_share_and_a_wrong_value_changes_nothing(client):
    staff_client(client, administrator())
    url = reverse("national_portal_sandbox:failures")
    client.post(url, {"failure_percent": "25", "session_ttl_seconds": "5"})
    sandbox = SandboxSettings.load()
    assert (sandbox.failure_rate, sandbox.session_ttl_seconds) == (0.25, 5)
    response = client.post(url, {"failure_percent": "250", "session_ttl_seconds": "x"})
    assert response.status_code == 302
    assert SandboxSettings.load().failure_rate == 0.25


def test_controls_need_the_csrf_token(client):
    client = type(client)(enforce_csrf_checks=True)
    staff_client(client, administrator())
    assert client.post(reverse("national_portal_sandbox:availability"), {"down": "1"}).status_code == 403
    assert not SandboxSettings.load().down


def test_clearing_forgets_what_the_sandbox_received(client):
    session = handle("login", {"username": "", "password": ""})[1]["session"]
    record = {"MaHoSo": "X-1", "MaTTHC": "1.001234", "TrangThaiHoSo": "1"}
    body = {"session": session, "madonvi": "U", "service": "DongBoHoSoMC", "isUpdating": "false"}
    handle("service", {**body, "data": [record]})
    assert NationalDossier.objects.exists()
    staff_client(client, administrator())
    client.post(reverse("national_portal_sandbox:clear"))
    assert not NationalDossier.objects.exists() and not ReceivedCall.objects.exists()
