"""Requests the URL fuzz test (test_fuzz_urls.py) found answered with a 500, each pinned here."""

import pytest

from accounts.models import Role
from tests.dossiers.staff_support import sign_in
from tests.factories import ProcedureVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_refuses_options_instead_of_failing(client):
    """DRF answered OPTIONS by rendering the Swagger page's template without its context."""
    assert client.get("/api/docs/").status_code == 200
    response = client.options("/api/docs/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("query", ["foo=1", "id=abc", "full_process=1", "applicant_email=x"])
def test_the_catalogue_export_refuses_a_filter_the_change_list_does_not_know(client, query):
    """import-export built the export from the address's filters and let the admin's error through."""
    ProcedureVersionFactory(published=True)
    admin = UserFactory(role=Role.CATALOGUE_ADMIN, is_staff=True, is_superuser=True)
    sign_in(client, admin)
    export = "/admin/procedures/procedureversion/export/"
    assert client.get(export).status_code == 200
    assert client.get(f"{export}?{query}").status_code == 400
