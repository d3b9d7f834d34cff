"""The feedback form at a province's scale: the procedure is typed and matched against the catalogue (some
1,900 procedures, not an option each), with the catalogue's suggestions as the person types; the agencies
offered are the ones in office."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Feedback
from procedures.services import refresh_search_vocabulary
from tests.dossiers.factories_extra import sign_in
from tests.factories import AgencyFactory, FieldFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(agency_x):
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    entries = {
        "birth": ProcedureVersionFactory(published=True, name="Đăng ký khai sinh", field=civil),
        "late_birth": ProcedureVersionFactory(published=True, name="Đăng ký khai sinh lưu động", field=civil),
        "marriage": ProcedureVersionFactory(published=True, name="Đăng ký kết hôn", field=civil),
        "licence": ProcedureVersionFactory(published=True, name="Cấp đổi giấy phép lái xe"),
        "draft": ProcedureVersionFactory(name="Đăng ký nuôi con nuôi", field=civil),
    }
    refresh_search_vocabulary()
    return entries


def post(client, agency, **data):
    values = {"step": "feedback", "agency": agency.pk, "title": "Hỏi", "content": "Nội dung", **data}
    return client.post(reverse("feedback:send"), values)


def label(version):
    return f"{version.procedure.national_code} — {version.name}"


def test_the_form_lists_no_procedure_and_does_not_grow_with_the_catalogue(sender, agency_x, catalogue):
    client = sign_in(Client(), sender)
    client.get(reverse("feedback:send"))
    with CaptureQueriesContext(connection) as before:
        small = client.get(reverse("feedback:send")).content.decode()
    ProcedureVersionFactory.create_batch(40, published=True, documents=0, agencies=[agency_x])
    with CaptureQueriesContext(connection) as after:
        large = client.get(reverse("feedback:send")).content.decode()

    assert len(after) == len(before)
    assert len(large) == len(small)
    assert 'name="procedure"' in large and 'data-suggest="/procedures/suggestions/"' in large
    assert catalogue["birth"].name not in large


def test_the_agencies_offered_are_the_ones_in_office(sender, agency_x):
    AgencyFactory(name="UBND huyện Hoa Lư (cũ)", is_legacy=True)
    html = sign_in(Client(), sender).get(reverse("feedback:send")).content.decode()
    assert "Sở Tư pháp" in html and "UBND huyện Hoa Lư (cũ)" not in html


@pytest.mark.parametrize(
    "typed", ["Đăng ký kết hôn", "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "ket hon", "kết hôn"]
)
def test_a_procedure_named_by_its_words_is_found(sender, agency_x, catalogue, typed):
    response = post(sign_in(Client(), sender), agency_x, procedure=typed)
    assert response.status_code == 302
    assert Feedback.objects.get().procedure_version == catalogue["marriage"]


def test_a_picked_suggestion_is_read_by_its_code(sender, agency_x, catalogue):
    response = post(sign_in(Client(), sender), agency_x, procedure=label(catalogue["licence"]))
    assert response.status_code == 302
    assert Feedback.objects.get().procedure_version == catalogue["licence"]


def test_words_matching_several_procedures_ask_which_one_then_take_the_choice(sender, agency_x, catalogue):
    client = sign_in(Client(), sender)
    response = post(client, agency_x, procedure="khai sinh")
    html = response.content.decode()
    assert response.status_code == 400 and not Feedback.objects.exists()
    assert "Several procedures match" in html or "Có nhiều thủ tục khớp" in html
    assert html.count('type="radio" name="procedure_version"') == 2
    assert label(catalogue["birth"]) in html and label(catalogue["late_birth"]) in html
    assert catalogue["marriage"].name not in html

    response = post(client, agency_x, procedure="khai sinh", procedure_version=catalogue["late_birth"].pk)
    assert response.status_code == 302
    assert Feedback.objects.get().procedure_version == catalogue["late_birth"]


def test_the_exact_name_among_several_matches_is_taken(sender, agency_x, catalogue):
    response = post(sign_in(Client(), sender), agency_x, procedure="đăng ký khai sinh")
    assert response.status_code == 302
    assert Feedback.objects.get().procedure_version == catalogue["birth"]


@pytest.mark.parametrize(
    "data",
    [
        {"procedure": "xyzzy qwerty"},  # matches nothing
        {"procedure": "Đăng ký nuôi con nuôi"},  # a draft: not in the public catalogue
        {"procedure": "9.999999 — Không có"},  # a code nobody has
        {"procedure": "khai sinh", "procedure_version": "-1"},
        {"procedure": "khai sinh", "procedure_version": "abc"},
        {"procedure": "ket hon", "procedure_version": "1e9"},  # one match: the choice is not asked
        {"procedure": "khai\x00sinh"},
        {"procedure": "x" * 5000},
    ],
)
def test_hostile_or_unmatched_procedures_are_refused_with_the_form(sender, agency_x, catalogue, data):
    response = post(sign_in(Client(), sender), agency_x, **data)
    if data.get("procedure") == "ket hon":
        assert response.status_code == 302  # a stray choice beside a single match is ignored
        return
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_the_message_of_an_unmatched_procedure_keeps_what_was_typed(sender, agency_x, catalogue):
    response = post(sign_in(Client(), sender), agency_x, procedure="xyzzy <b>qwerty</b>", title="Giữ lại")
    html = response.content.decode()
    assert response.status_code == 400
    assert "xyzzy &lt;b&gt;qwerty&lt;/b&gt;" in html and "<b>qwerty</b>" not in html
    assert 'value="Giữ lại"' in html


def test_suggestions_are_the_catalogue_searchs_best_matches(client, catalogue):
    url = reverse("procedures:suggestions")
    found = client.get(url, {"q": "khai sinh"}).json()["suggestions"]
    assert found == [label(catalogue["birth"]), label(catalogue["late_birth"])]
    assert client.get(url, {"q": "ket hon"}).json() == {"suggestions": [label(catalogue["marriage"])]}
    assert client.get(url, {"q": "nuoi con"}).json() == {"suggestions": []}  # a draft
    assert client.get(url, {"q": "k"}).json() == {"suggestions": []}


@pytest.mark.parametrize("q", ["", "\x00\x00", "a\x00b", "%", "'; drop table x; --", "x" * 10_000, "ặ" * 300])
def test_suggestions_never_fail_on_hostile_text(client, catalogue, q):
    response = client.get(reverse("procedures:suggestions"), {"q": q})
    if "\x00" in q:  # refused before any view (common.middleware)
        assert response.status_code == 400
        return
    assert response.status_code == 200 and isinstance(response.json()["suggestions"], list)
