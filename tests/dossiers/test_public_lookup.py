import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dossiers import services, tasks
from dossiers.models import Dossier, LookupCodeGuard
from dossiers.services import lookups
from dossiers.services.lookups import LOOKUP_CODE_MISS_LIMIT, LOOKUP_LIMIT
from tests.dossiers.factories_extra import citizen, draft, received
from tests.factories import AgencyFactory, filed_dossier, staff_member

pytestmark = pytest.mark.django_db

URL = reverse("dossiers:lookup")


@pytest.fixture
def client(client):
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def dossier():
    person = citizen(full_name="Đỗ Thị Mai Anh", personal_id="001199004567", phone="0912003344")
    found, _clerk = received(filed_dossier(applicant=person))
    return found


def look_up(client, code, digits, **extra):
    return client.get(URL, {"code": code, "digits": digits}, **extra)


def normalised(response, *typed) -> str:
    """The page without what differs by construction: the CSRF token of the language switch (masked anew
    on every page) and what the visitor typed, which the form shows back."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    for text in typed:
        page = page.replace(text, "TYPED")
    return page


def test_the_code_and_the_last_4_digits_of_the_phone_find_the_dossier(client, dossier):
    response = look_up(client, dossier.code, "3344")
    page = response.content.decode()
    assert response.status_code == 200
    assert dossier.procedure_version.name in page
    assert "Received" in page and f"{dossier.due_date:%d/%m/%Y}" in page
    assert f"{dossier.received_at.astimezone(ZoneInfo('Asia/Ho_Chi_Minh')):%d/%m/%Y}" in page
    assert "The dossier was filed online." in page
    assert f"The one-stop shop received it; appointment date {dossier.due_date:%d/%m/%Y}." in page


def test_the_last_4_digits_of_the_id_number_work_too_and_the_code_is_not_case_sensitive(client, dossier):
    response = look_up(client, f"  {dossier.code.lower()} ", "4567")
    assert dossier.procedure_version.name in response.content.decode()


def test_wrong_digits_and_an_unknown_code_give_the_same_page(client, dossier):
    wrong_digits = look_up(client, dossier.code, "0000")
    unknown_code = look_up(client, "000.00.99.H99-250101-0001", "0000")
    assert wrong_digits.status_code == unknown_code.status_code == 200
    assert "No dossier matches this code and these digits." in wrong_digits.content.decode()
    assert normalised(wrong_digits, dossier.code) == normalised(unknown_code, "000.00.99.H99-250101-0001")
    assert dossier.procedure_version.name not in wrong_digits.content.decode()


def test_lookups_are_limited_per_client_ip(client, dossier):
    for number in range(LOOKUP_LIMIT):  # other codes each time: no code reaches its own lock
        code = f"000.00.99.H99-250101-{number:04d}"
        assert look_up(client, code, "0000", REMOTE_ADDR="203.0.113.7").status_code == 200
    blocked = look_up(client, dossier.code, "3344", REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    assert "Too many lookups" in blocked.content.decode()
    assert dossier.procedure_version.name not in blocked.content.decode()
    # Another connection is not affected; a forwarded-for header does not move the counter.
    assert look_up(client, dossier.code, "3344", REMOTE_ADDR="198.51.100.1").status_code == 200
    spoofed = look_up(
        client, dossier.code, "3344", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.9"
    )
    assert spoofed.status_code == 429


def test_opening_the_page_from_the_qr_code_prefills_the_code_without_counting(client, dossier):
    for _ in range(LOOKUP_LIMIT + 2):
        response = client.get(URL, {"code": dossier.code})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{dossier.code}"' in page and "No dossier matches" not in page
    assert look_up(client, dossier.code, "3344").status_code == 200


def test_badly_typed_digits_are_explained_and_not_counted(client, dossier):
    for _ in range(LOOKUP_LIMIT + 1):
        response = look_up(client, dossier.code, "12a")
    assert response.status_code == 200 and "Enter exactly 4 digits." in response.content.decode()
    assert look_up(client, dossier.code, "3344").status_code == 200


def test_drafts_are_never_found(client):
    unfinished = draft(applicant=citizen(phone="0911112222"))
    Dossier.objects.filter(pk=unfinished.pk).update(code="000.00.01.H01-250101-0009")
    response = look_up(client, "000.00.01.H01-250101-0009", "2222")
    assert "No dossier matches this code and these digits." in response.content.decode()


def test_the_page_shows_no_personal_data(client, dossier):
    clerk = staff_member(dossier.receiving_agency)
    services.transfer(dossier=dossier, by=clerk, to_agency=dossier.receiving_agency, note="Ghi chú nội bộ")
    page = look_up(client, dossier.code, "3344").content.decode()
    assert dossier.procedure_version.name in page
    private = [
        dossier.applicant_name,
        dossier.applicant_id_number,
        dossier.applicant_phone,
        dossier.applicant_email,
        clerk.full_name,
        clerk.email,
        "Ghi chú nội bộ",
    ]
    for text in private:
        assert text and text not in page, text
    for document in dossier.documents.all():
        assert document.stored_file.original_name not in page
        assert reverse("dossiers:document", args=[document.pk]) not in page


def test_a_refusal_reason_is_not_published(client):
    person = citizen(phone="0913334444")
    refused = filed_dossier(applicant=person)
    clerk = staff_member(refused.receiving_agency)
    services.refuse(dossier=refused, clerk=clerk, reason="Ông Trịnh Văn Bảo chưa đủ 18 tuổi")
    page = look_up(client, refused.code, "4444").content.decode()
    assert "Refused" in page and "Trịnh Văn Bảo" not in page


def test_the_lookup_form_is_accessible(client):
    page = client.get(URL).content.decode()
    assert '<label for="id_code">' in page and '<label for="id_digits">' in page
    assert 'method="get"' in page


def test_opened_from_the_qr_code_the_page_waits_for_the_4_digits(client, dossier):
    from_qr = client.get(URL, {"code": dossier.code}).content.decode()
    assert re.search(r'<input[^>]*name="digits"[^>]*autofocus', from_qr)
    assert "autofocus" not in client.get(URL).content.decode()  # typed from scratch: no jump
    assert "autofocus" not in look_up(client, dossier.code, "3344").content.decode()


def test_every_page_links_to_the_lookup_in_the_header(client):
    client.cookies.pop("portal_language")  # the default language
    page = client.get(reverse("home")).content.decode()
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert f'<a href="{URL}">Tra cứu hồ sơ</a>' in header


# --- the lock per dossier code (dossiers.services.lookups) ------------------------------------------------
LOCKED = "Lookups of this dossier code are paused after too many wrong tries."


def miss_from_many_addresses(client, code, times):
    """Wrong digits from a new address each time: the per-address limit never applies."""
    for number in range(times):
        response = look_up(client, code, f"{number:04d}", REMOTE_ADDR=f"198.51.100.{number + 1}")
    return response


def test_ten_misses_from_many_addresses_lock_the_code_for_an_hour(client, dossier, monkeypatch):
    from common import clock

    ninth = miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT - 1)
    assert ninth.status_code == 200 and "No dossier matches" in ninth.content.decode()

    tenth = look_up(client, dossier.code, "9999", REMOTE_ADDR="192.0.2.200")
    assert tenth.status_code == 429 and LOCKED in tenth.content.decode()
    # The right digits, from a fresh address, are refused too while the lock lasts: nothing is revealed.
    refused = look_up(client, dossier.code.lower(), "3344", REMOTE_ADDR="192.0.2.201")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert dossier.procedure_version.name not in refused.content.decode()
    # Other codes are not affected.
    assert look_up(client, "000.00.99.H99-250101-0001", "0000", REMOTE_ADDR="192.0.2.202").status_code == 200

    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=61))
    found = look_up(client, dossier.code, "3344", REMOTE_ADDR="192.0.2.203")
    assert found.status_code == 200 and dossier.procedure_version.name in found.content.decode()


def test_the_lock_message_is_in_vietnamese(client, dossier):
    client.cookies["portal_language"] = "vi"
    miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT)

    page = look_up(client, dossier.code, "3344", REMOTE_ADDR="192.0.2.9").content.decode()

    assert "Mã hồ sơ này tạm dừng tra cứu do nhập sai quá nhiều lần." in page


def test_a_code_no_dossier_has_locks_the_same_way_so_the_lock_reveals_nothing(client, dossier):
    unknown = "000.00.99.H99-250101-0001"
    known_lock = miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT)
    unknown_lock = miss_from_many_addresses(client, unknown, LOOKUP_CODE_MISS_LIMIT)

    assert known_lock.status_code == unknown_lock.status_code == 429

    def without_time(page):
        return re.sub(r"\d\d:\d\d \d\d/\d\d/\d{4}", "TIME", page)

    assert without_time(normalised(known_lock, dossier.code)) == without_time(
        normalised(unknown_lock, unknown)
    )


def test_misses_far_apart_do_not_add_up_and_old_rows_are_forgotten(client, dossier, monkeypatch, settings):
    from common import clock

    real_now = clock.now
    miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT - 1)
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=61))

    assert miss_from_many_addresses(client, dossier.code, 1).status_code == 200  # a new window: 1 miss
    assert lookups.lookup_code_locked_until(dossier.code) is None
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=125))
    assert tasks.forget_old_lookup_misses() == 1  # the hourly beat task
    assert settings.CELERY_BEAT_SCHEDULE["dossiers-forget-old-lookup-misses"]["task"] == (
        "dossiers.tasks.forget_old_lookup_misses"
    )
    assert not LookupCodeGuard.objects.exists()


def test_the_code_lock_holds_without_the_cache(client, dossier, settings):
    """Kept in the database: a cache that forgets everything (an outage, a restart) does not lift it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT)

    assert look_up(client, dossier.code, "3344", REMOTE_ADDR="192.0.2.9").status_code == 429


def test_a_found_dossier_costs_two_queries_whatever_its_history(client, dossier, django_assert_num_queries):
    elsewhere = AgencyFactory(name="Sở Tư pháp tỉnh Ninh Bình")
    services.transfer(dossier=dossier, by=staff_member(dossier.receiving_agency), to_agency=elsewhere)
    look_up(client, dossier.code, "3344")  # the calendar and the language: warm

    # The dossier with what the page shows and its code's lock, then its events: no column read later row by
    # row, no separate read of the code's guard.
    with django_assert_num_queries(2):
        page = look_up(client, dossier.code, "3344", REMOTE_ADDR="10.0.0.9").content.decode()
    assert dossier.procedure_version.name in page and elsewhere.name in page


def test_a_locked_code_is_refused_from_the_same_one_read(client, dossier, django_assert_num_queries):
    miss_from_many_addresses(client, dossier.code, LOOKUP_CODE_MISS_LIMIT)

    with django_assert_num_queries(1):  # the dossier and its code's lock: no digits checked, no events read
        refused = look_up(client, dossier.code, "3344", REMOTE_ADDR="192.0.2.77")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
