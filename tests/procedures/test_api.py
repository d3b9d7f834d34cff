import pytest

from procedures.selectors import FUZZY_WORDS_MAX, SEARCH_MAX_LENGTH
from procedures.services import refresh_search_vocabulary
from procedures.text import fold
from tests.factories import ProcedureFeeFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [2, 15])
def test_procedure_list_api_query_count_is_constant(client, django_assert_max_num_queries, count):
    for n in range(count):
        ProcedureVersionFactory(published=True, name=f"Cấp giấy phép số {n}")
    ProcedureVersionFactory(name="Bản nháp")
    refresh_search_vocabulary()
    with django_assert_max_num_queries(6):
        response = client.get("/api/procedures/", {"q": "cap giay phep"})
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert all(row["name"].startswith("Cấp giấy phép") for row in response.json()["results"])


def test_procedure_detail_api_has_fees_and_documents(client):
    version = ProcedureVersionFactory(published=True, documents=3)
    ProcedureFeeFactory(version=version, amount=200_000, online_discount_percent=50)
    body = client.get(f"/api/procedures/{version.procedure.national_code}/").json()
    assert body["fees"][0]["online_amount"] == 100_000
    assert len(body["documents"]) == 3
    assert body["return_channels"] == ["desk", "post", "electronic"]


def test_drafts_are_not_in_the_api(client):
    draft = ProcedureVersionFactory()
    assert client.get(f"/api/procedures/{draft.procedure.national_code}/").status_code == 404


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/procedures/" in response.content


LONG_NAME = (
    "Cấp đổi giấy phép lái xe cơ giới đường bộ cho người nước ngoài cư trú tại Việt Nam theo quy định "
    "của Bộ Giao thông vận tải năm hai nghìn mười lăm mới nhất"
)


def _count_queries(client, query: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/procedures/", {"q": query})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("misspelt", [False, True])
def test_the_search_query_count_does_not_grow_with_the_number_of_words(client, misspelt):
    """One word or thirty: the same queries (it was one or two more per word)."""
    ProcedureVersionFactory(published=True, name=LONG_NAME)
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    refresh_search_vocabulary()
    words = list(dict.fromkeys(fold(LONG_NAME).split()))[:30]
    assert len(words) == 30
    if misspelt:  # misspelt words are looked up together, whatever their number
        words = [f"{word}q" if index % 6 == 0 else word for index, word in enumerate(words)]
    one_word, thirty_words = words[0], " ".join(words)
    assert len(thirty_words) <= SEARCH_MAX_LENGTH
    _count_queries(client, one_word)  # the vocabulary is read into the cache once
    assert _count_queries(client, one_word) == _count_queries(client, thirty_words)
    assert client.get("/api/procedures/", {"q": thirty_words}).json()["count"] == 1


def test_a_search_longer_than_the_catalogue_pages_limit_is_refused_with_the_reason(client):
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    client.cookies["portal_language"] = "en"
    assert client.get("/api/procedures/", {"q": "a" * SEARCH_MAX_LENGTH}).status_code == 200
    response = client.get("/api/procedures/", {"q": "khai sinh " * 100})
    assert response.status_code == 400
    assert response.json() == {"q": [f"Ensure this field has no more than {SEARCH_MAX_LENGTH} characters."]}
    page = client.get("/procedures/", {"q": "khai sinh " * 100})
    assert page.status_code == 400
    assert f"at most {SEARCH_MAX_LENGTH} characters" in page.content.decode()


def test_more_misspelt_words_than_are_looked_up_find_nothing_quickly(client):
    ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    refresh_search_vocabulary()
    query = " ".join(f"zzq{n}" for n in range(FUZZY_WORDS_MAX + 1))
    assert client.get("/api/procedures/", {"q": query}).json()["count"] == 0


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("level", "municipal"), ("full_process", "maybe"), ("field", "x" * 41), ("agency", "x" * 21)],
)
def test_a_value_a_filter_cannot_take_is_a_400_naming_the_parameter(client, parameter, value):
    response = client.get("/api/procedures/", {parameter: value})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_a_nul_in_any_parameter_is_a_400_before_the_view(client):
    response = client.get("/api/procedures/", {"field": "ho\x00tich"})
    assert response.status_code == 400
    assert list(response.json()) == ["detail"]  # the input guard's answer (tests/portal/test_input_guards.py)


def test_the_schema_documents_the_refusals(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/procedures/"]["get"]
    assert {"200", "400", "404"} <= set(listing["responses"])
    assert {"200", "404"} <= set(schema["paths"]["/api/procedures/{national_code}/"]["get"]["responses"])
    q = next(p for p in listing["parameters"] if p["name"] == "q")
    assert q["schema"]["maxLength"] == SEARCH_MAX_LENGTH


@pytest.mark.django_db
def test_an_empty_full_process_is_refused_as_the_schema_says(client):
    response = client.get("/api/procedures/?full_process=")
    assert response.status_code == 400 and "full_process" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "abc", "99"])
def test_a_page_that_is_no_page_number_is_a_404_as_the_schema_says(client, page):
    response = client.get(f"/api/procedures/?page={page}")
    assert response.status_code == 404 and "detail" in response.json()
