import pytest

from procedures.services import refresh_search_vocabulary
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
