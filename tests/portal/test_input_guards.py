"""Input PostgreSQL cannot hold is refused before any view runs (common/middleware.py): a NUL character or
bytes that are not UTF-8 in the path, the query string or a form field is a 400 — it was a 500 on
PostgreSQL on 14 endpoints — while the payment gateway's notification still logs what it got."""

import pytest
from django.urls import reverse

from payments.models import IpnLog
from tests.dossiers.staff_support import office, sign_in
from tests.factories import FieldFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["portal_language"] = "en"
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/procedures/?field=ho-tich%00",
        "/procedures/?level=%00",
        "/procedures/?agency=%00&q=khai",
        "/procedures/?q=%00",
        "/api/procedures/?field=%00",
        "/api/procedures/?level=commune%00",
        "/api/procedures/?agency=%00",
        "/dossiers/lookup/?code=%00",
        "/procedures/1.000%0012/",
        "/api/procedures/1.000%0012/",
    ],
)
def test_a_nul_character_in_the_address_is_a_400_with_the_reason(english, url):
    ProcedureVersionFactory(published=True, field=FieldFactory(code="ho-tich"))
    response = english.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL character" in response.json()["detail"]
    else:
        assert "NUL character" in response.content.decode()


def test_a_nul_in_the_staff_queues_filters_is_a_400(client):
    desk = office()
    sign_in(client, desk.clerk)
    queue = reverse("staff:queue", args=[desk.agency.code])
    assert client.get(queue, {"view": "new"}).status_code == 200
    assert client.get(queue, {"view": "new\x00"}).status_code == 400
    assert client.get(queue, {"order": "due_date", "page": "\x00"}).status_code == 400
    assert client.get(reverse("staff:queue", args=[f"{desk.agency.code}\x00"])).status_code == 400


@pytest.mark.parametrize("query", ["q=%FF%FE", "q=%C3%28", "field=%ED%A0%80"])
def test_bytes_that_are_not_utf8_are_a_400_rather_than_silently_replaced(client, query):
    assert client.get(f"/procedures/?{query}").status_code == 400
    assert client.get(f"/api/procedures/?{query}").status_code == 400


def test_the_sign_in_form_refuses_a_nul_in_the_email_whatever_the_encoding(english):
    login = reverse("account_login")
    form = {"login": "citizen@demo.vn\x00", "password": "Demo@2026"}
    assert english.post(login, form).status_code == 400  # multipart, as the test client sends forms
    urlencoded = "login=citizen%40demo.vn%00&password=Demo%402026"
    response = english.post(login, urlencoded, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_text_that_is_utf8_passes_in_the_path_too(client):
    """Django decodes the path before the guard sees it ("Ã" is %C3%83): never mistaken for bad bytes."""
    assert client.get("/procedures/B%27%C3%83%12/").status_code == 404
    assert client.get("/api/procedures/%C4%90%E1%BA%A5t/").status_code == 404
    assert client.get("/procedures/%FF/").status_code == 404  # kept by Django as the text "%FF"


def test_ordinary_unicode_still_passes(client):
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    for text in ["đăng ký khai sinh", "\u202ekhai\u202c", "e\u0301", "\uffff", "🙂"]:
        assert client.get("/procedures/", {"q": text}).status_code == 200
        assert client.get("/api/procedures/", {"q": text}).status_code == 200


def test_a_cookie_holding_a_nul_is_ignored_not_a_500(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    client.cookies["portal_language"] = "en\x00"
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_the_payment_notification_with_a_nul_is_logged_and_answered_by_protocol(client):
    response = client.get("/payments/ipn/sandbox/", {"vnp_TxnRef": "ABC\x00123", "vnp_Amount": "\x00"})
    assert response.status_code == 200
    assert response.json() == {"RspCode": "97", "Message": "Invalid Checksum"}
    log = IpnLog.objects.get()
    assert log.txn_ref == "ABC\ufffd123"
    assert log.params == {"vnp_TxnRef": "ABC\ufffd123", "vnp_Amount": "\ufffd"}


def test_a_notification_to_an_unknown_gateway_with_a_nul_is_logged_too(client):
    response = client.get("/payments/ipn/vn%00pay/", {"vnp_TxnRef": "X"})
    assert response.status_code == 200
    assert response.json()["RspCode"] == "97"
    assert IpnLog.objects.get().gateway == "vn\ufffdpay"
