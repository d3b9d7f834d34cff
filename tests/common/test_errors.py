"""The error pages answer the API in JSON and pages in HTML, at the root or under a path (SCRIPT_NAME)."""

import json

import pytest
from django.test import RequestFactory

from common import errors


@pytest.mark.parametrize("script_name", ["", "/cong-dvc"])
def test_the_api_is_answered_in_json_and_pages_in_html_under_any_script_prefix(script_name):
    factory = RequestFactory()
    api = factory.get("/api/v1/dossiers/", SCRIPT_NAME=script_name)
    page = factory.get("/dossiers/", SCRIPT_NAME=script_name)
    assert api.path == f"{script_name}/api/v1/dossiers/"

    answer = errors.plain_error(api, status=503, title="Bận", message="Thử lại sau.")
    assert answer.status_code == 503 and answer["Content-Type"].startswith("application/json")
    assert json.loads(answer.content) == {"detail": "Thử lại sau."}
    assert errors.wants_json(api) and not errors.wants_json(page)
