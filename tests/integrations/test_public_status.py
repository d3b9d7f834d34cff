"""GET /api/v1/status/{code}/?pin=: what the public lookup page answers, through the same service and with
the same limits — the per-address count (shared with the page) and the per-code lock after wrong digits."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers.services.lookups import LOOKUP_CODE_MISS_LIMIT, LOOKUP_LIMIT
from tests.dossiers.factories_extra import citizen, received
from tests.factories import filed_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    person = citizen(full_name="Đỗ Thị Mai Anh", personal_id="001199004567", phone="0912003344")
    found, _clerk = received(filed_dossier(applicant=person))
    return found


def status(client, code, pin, **extra):
    return client.get(reverse("integrations:status", args=[code]), {"pin": pin}, **extra)


def test_the_code_and_the_pin_give_what_the_lookup_page_shows_and_no_more(client, dossier):
    response = status(client, dossier.code.lower(), "3344")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "code",
        "state",
        "state_label",
        "procedure",
        "receiving_office",
        "received_at",
        "due_date",
        "timeline",
    }
    assert body["code"] == dossier.code and body["state"] == "received"
    assert body["procedure"] == dossier.procedure_version.name
    assert body["due_date"] == dossier.due_date.isoformat()
    assert body["timeline"][0]["text"] == "Hồ sơ đã được nộp trực tuyến."
    assert "Mai Anh" not in response.content.decode()
    assert status(client, dossier.code, "4567").status_code == 200  # the ID number's last digits work too


@pytest.mark.parametrize("pin", ["", "12", "abcd", "12345"])
def test_a_pin_that_is_not_4_digits_is_400(client, dossier, pin):
    response = status(client, dossier.code, pin)
    assert response.status_code == 400 and "pin" in response.json()


def test_a_miss_is_404_whether_or_not_the_code_exists(client, dossier):
    wrong = status(client, dossier.code, "0000")
    unknown = status(client, "000.00.99.H99-250101-0001", "0000")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_the_code_locks_after_wrong_pins_from_any_address(client, dossier):
    for number in range(LOOKUP_CODE_MISS_LIMIT):
        address = f"10.0.0.{number}"
        assert status(client, dossier.code, "0000", REMOTE_ADDR=address).status_code in {404, 429}
    locked = status(client, dossier.code, "3344", REMOTE_ADDR="10.0.1.1")
    assert locked.status_code == 429
    assert 3000 < int(locked["Retry-After"]) <= 3601
    assert "detail" in locked.json()


def test_the_per_address_limit_is_the_lookup_page_s_own_count(client, dossier):
    page = reverse("dossiers:lookup")
    for _ in range(LOOKUP_LIMIT - 1):
        assert client.get(page, {"code": dossier.code, "digits": "3344"}).status_code == 200
    assert status(client, dossier.code, "3344").status_code == 200
    limited = status(client, dossier.code, "3344")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 500
    assert client.get(page, {"code": dossier.code, "digits": "3344"}).status_code == 429


def lookup_code_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/status/{code}/"]["get"]
    (code,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "code"]
    return code["schema"]


@pytest.mark.parametrize("code", ["\x0c", " ", "\u00a0\t", "A\x00B", "0" * 41])
def test_a_code_the_lookup_refuses_is_400_and_outside_the_documented_schema(client, dossier, code):
    schema = lookup_code_schema(client)
    assert not (len(code) <= schema["maxLength"] and re.search(schema["pattern"], code))
    response = status(client, code, "3344")  # NUL is refused by the portal's middleware, before the form
    assert response.status_code == 400 and {"code", "detail"} & set(response.json())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_code_the_schema_documents_gets_past_validation(client, dossier, data):
    schema = lookup_code_schema(client)
    code = data.draw(st.from_regex(schema["pattern"]).filter(lambda text: len(text) <= schema["maxLength"]))
    # Percent-encoded as an API client sends it (a "/" in the code is %2F, which no route matches: 404).
    path = reverse("integrations:status", args=["CODE"]).replace("CODE", quote(code, safe=""))
    response = client.get(path, {"pin": "3344"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code in {200, 404, 429}, (code, response.content)
