"""What the API answers: cursor pages in filing order (stable, no COUNT, a constant number of queries),
filters, the dossier with its status history and documents, the file itself; bad input is a 400, never a
5xx; the per-client rate limit."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.models import Channel, Dossier, DossierEvent
from integrations import selectors, throttling
from integrations.authentication import ClientIdentity
from integrations.models import Scope
from tests.dossiers.factories_extra import received
from tests.factories import PDF_BYTES, ProcedureVersionFactory, staff_member
from tests.integrations.support import api_client, dossier_at, fetch

pytestmark = pytest.mark.django_db
LIST = reverse("integrations:dossiers")


def all_pages(client, headers, params=None, page_size=2) -> tuple[list[str], list[str]]:
    """Follows `next` to the end: the codes in order, and every SQL statement run."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        response = fetch(client, LIST, {**(params or {}), "page_size": page_size}, **headers)
        while True:
            assert response.status_code == 200, response.content
            found += [row["code"] for row in response.json()["results"]]
            if not response.json()["next"]:
                break
            response = fetch(client, response.json()["next"], **headers)
    return found, [query["sql"] for query in queries.captured_queries]


def test_cursor_pages_walk_every_dossier_once_in_filing_order_without_a_count(client, world):
    x = world["x"]
    more = [dossier_at(x) for _ in range(2)]
    codes, statements = all_pages(client, world["headers_x"])
    expected = sorted([*world["x_dossiers"], *more], key=lambda d: (d.submitted_at, d.pk))
    assert codes == [d.code for d in expected]
    assert not [sql for sql in statements if "COUNT(" in sql.upper()]


def test_a_dossier_filed_while_paging_does_not_shift_the_pages(client, world):
    headers = world["headers_x"]
    first = fetch(client, LIST, {"page_size": 2}, **headers).json()
    dossier_at(world["x"])  # filed after the first page was read: comes at the end
    second = fetch(client, first["next"], **headers).json()
    seen = [row["code"] for row in first["results"] + second["results"]]
    assert seen[:3] == [d.code for d in world["x_dossiers"]]
    assert len(set(seen)) == len(seen)


@override_settings(API_LIST_CACHE_SECONDS=0)  # each request builds the page: what is counted
def test_the_list_runs_as_many_queries_for_many_dossiers_as_for_one(
    client, world, django_assert_max_num_queries
):
    headers = world["headers_x"]
    with CaptureQueriesContext(connection) as few:
        fetch(client, LIST, **headers)
    version = ProcedureVersionFactory(published=True, agencies=[world["x"]])
    for _ in range(4):
        dossier_at(world["x"], version)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = fetch(client, LIST, **headers)
    assert len(response.json()["results"]) == 7


def test_a_page_read_again_is_kept_until_a_change_to_the_clients_agencies_commits(
    client, world, django_capture_on_commit_callbacks
):
    headers = world["headers_x"]
    first = [row["code"] for row in fetch(client, LIST, **headers).json()["results"]]
    with CaptureQueriesContext(connection) as again:
        assert [row["code"] for row in fetch(client, LIST, **headers).json()["results"]] == first
    assert not [q for q in again if 'FROM "dossiers_dossier"' in q["sql"]]  # kept: no dossier read

    uncommitted = dossier_at(world["x"])  # its change has not committed: the kept page stays
    assert uncommitted.code not in fetch(client, LIST, **headers).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        received(uncommitted)

    codes = [row["code"] for row in fetch(client, LIST, **headers).json()["results"]]
    assert codes == [*first, uncommitted.code]


def test_filters_by_state_channel_procedure_and_dates(client, world):
    headers = world["headers_x"]
    done, _clerk = received(world["x_dossiers"][0])
    procedure = done.procedure_version.procedure.national_code

    def listed(**params):
        response = fetch(client, LIST, params, **headers)
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert listed(state="received") == {done.code}
    assert listed(state="submitted") == {d.code for d in world["x_dossiers"][1:]}
    assert listed(channel=Channel.DESK) == set()
    assert listed(channel=Channel.ONLINE, procedure=procedure) == {d.code for d in world["x_dossiers"]}
    assert listed(procedure="9.999999") == set()
    today = done.submitted_at.astimezone(datetime.UTC).date()
    window = {
        "submitted_from": str(today - datetime.timedelta(days=1)),
        "submitted_to": str(today + datetime.timedelta(days=1)),
    }
    assert listed(**window) == {d.code for d in world["x_dossiers"]}
    assert listed(submitted_from=str(today + datetime.timedelta(days=2))) == set()
    assert listed(submitted_from=str(today + datetime.timedelta(days=2)), submitted_to=str(today)) == set()
    assert listed(updated_since=done.updated_at.isoformat()) >= {done.code}
    assert listed(updated_since="2999-01-01T00:00:00+07:00") == set()
    assert listed(agency=world["x"].code.lower()) == {d.code for d in world["x_dossiers"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "draft"}, "state"),
        ({"state": "nonsense"}, "state"),
        ({"channel": "fax"}, "channel"),
        ({"submitted_from": "31/12/2025"}, "submitted_from"),
        ({"submitted_to": "2025-02-30"}, "submitted_to"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"agency": "x" * 41}, "agency"),
        ({"state": ""}, "state"),
        ({"page_size": "null"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"submitted_to": ""}, "submitted_to"),
        ({"updated_since": ""}, "updated_since"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(client, world, params, field):
    response = fetch(client, LIST, params, **world["headers_x"])
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("cursor", ["bm90IGEgY3Vyc29y", "cD1ub3QtYS1kYXRl", "%%%", "bz05OTk5OTk="])
def test_a_cursor_this_api_did_not_give_points_to_no_page(client, world, cursor):
    """`p=not-a-date` would reach the query as it is (a 500 without the check); o=9999999: past the cutoff."""
    response = fetch(client, LIST, {"cursor": cursor}, **world["headers_x"])
    assert response.status_code == 404 and "detail" in response.json()


def test_counts_refuse_a_bad_date_too(client, world):
    response = fetch(
        client, reverse("integrations:counts"), {"submitted_from": "hôm qua"}, **world["headers_x"]
    )
    assert response.status_code == 400 and "submitted_from" in response.json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "agency",
                "state",
                "procedure",
                "channel",
                "submitted_from",
                "submitted_to",
                "updated_since",
                "cursor",
                "page_size",
            ]
        ),
        st.one_of(
            st.text(
                alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
            ),
            st.dates().map(str),
            st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
            st.integers().map(str),
        ),
    )
)
def test_no_query_string_gives_a_server_error(client, world, params):
    for url in (LIST, reverse("integrations:counts")):
        response = fetch(client, url, params, **world["headers_x"])
        assert response.status_code in {200, 400, 404}, (params, response.content[:300])


def test_the_dossier_shows_its_history_without_staff_names_or_notes_and_its_documents(client, world):
    dossier, clerk = received(world["x_dossiers"][0])
    officer = staff_member(world["x"], role="officer")
    dossier = dossier_services.transfer(
        dossier=dossier, by=clerk, to_agency=world["x"], note="Anh Huy xem giúp"
    )
    supervisor = staff_member(world["x"], role="officer", is_supervisor=True)
    dossier_services.assign(dossier=dossier, by=supervisor, assignee=officer)
    body = fetch(client, reverse("integrations:dossier", args=[dossier.code]), **world["headers_x"]).json()

    assert body["code"] == dossier.code and body["state"] == "in_progress"
    assert body["state_name"] == "Đang giải quyết"
    assert body["receiving_agency"]["code"] == world["x"].code
    actions = [step["action"] for step in body["status_history"]]
    assert actions[:3] == ["submit", "receive", "transfer"]
    assert DossierEvent.Action.ASSIGN not in actions  # staff-internal, as on the applicant's page
    text = str(body)
    assert "Anh Huy" not in text and clerk.full_name not in text
    assert dossier.applicant_name not in text and dossier.applicant_phone not in text
    document = body["documents"][0]
    assert document["content_type"] == "application/pdf" and document["size"] == len(PDF_BYTES)
    assert len(document["sha256"]) == 64 and document["download_url"].endswith(
        f"/documents/{document['id']}/"
    )


def test_without_the_documents_scope_there_is_no_download_link_and_no_file(client, world):
    _client, headers = api_client([world["x"]], scopes=[Scope.READ], name="read only")
    dossier = world["x_dossiers"][0]
    body = fetch(client, reverse("integrations:dossier", args=[dossier.code]), **headers).json()
    assert body["documents"] and all(document["download_url"] is None for document in body["documents"])
    url = reverse("integrations:document", args=[dossier.code, body["documents"][0]["id"]])
    assert fetch(client, url, **headers).status_code == 403


def test_the_file_is_streamed_as_stored_and_sandboxed(client, world):
    dossier = world["x_dossiers"][0]
    document = dossier.documents.first()
    response = fetch(
        client, reverse("integrations:document", args=[dossier.code, document.pk]), **world["headers_x"]
    )
    assert response.status_code == 200 and response.streaming
    assert response.body == PDF_BYTES
    assert response["Content-Type"] == "application/pdf" and response["Content-Security-Policy"] == "sandbox"
    for bad in ("abc", "99999999", "1" * 30):
        url = reverse("integrations:document", args=[dossier.code, bad])
        assert fetch(client, url, **world["headers_x"]).status_code == 404


def test_the_dossier_runs_as_many_queries_with_many_documents_and_steps(
    client, world, django_assert_max_num_queries
):
    headers = world["headers_x"]
    small = world["x_dossiers"][1]
    with CaptureQueriesContext(connection) as few:
        fetch(client, reverse("integrations:dossier", args=[small.code]), **headers)
    version = ProcedureVersionFactory(published=True, agencies=[world["x"]], documents=5)
    big, clerk = received(dossier_at(world["x"], version))
    dossier_services.transfer(dossier=big, by=clerk, to_agency=world["x"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = fetch(client, reverse("integrations:dossier", args=[big.code]), **headers).json()
    assert len(body["documents"]) == 5 and len(body["status_history"]) == 3


def test_counts_by_state(client, world):
    received(world["x_dossiers"][0])
    body = fetch(client, reverse("integrations:counts"), **world["headers_x"]).json()
    assert body["counts"]["received"] == 1 and body["counts"]["submitted"] == 2 and body["total"] == 3
    assert "draft" not in body["counts"] and body["counts"]["returned"] == 0


def test_a_client_over_its_rate_is_429_with_retry_after(client, world, monkeypatch):
    monkeypatch.setattr(throttling, "seconds_now", lambda: 1_800_000_015.0)  # 45 s left in the minute
    _client, headers = api_client([world["x"]], rate=3, name="slow")
    statuses = [fetch(client, reverse("integrations:counts"), **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = fetch(client, reverse("integrations:counts"), **headers)
    assert limited.status_code == 429 and limited["Retry-After"] == "45"
    # Another client has its own count.
    assert fetch(client, reverse("integrations:counts"), **world["headers_x"]).status_code == 200


def test_with_redis_down_the_rate_limit_still_counts_in_the_process(client, world, settings, monkeypatch):
    """The cache falls back to process memory (common.cache): the API answers, the limit holds per process."""
    from common import cache as fallback_cache
    from tests.services_support import free_port

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"FALLBACK_SECONDS": 30, "socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    monkeypatch.setattr(throttling, "seconds_now", lambda: 1_800_000_015.0)
    _client, headers = api_client([world["x"]], rate=2, name="redis down")
    try:
        statuses = [fetch(client, reverse("integrations:counts"), **headers).status_code for _ in range(3)]
    finally:
        fallback_cache._outages.clear()
    assert statuses == [200, 200, 429]


def test_pages_merge_dossiers_received_and_handled_by_each_of_the_client_s_agencies(client, world):
    """The page is read per agency column and agency (indexed, stopped after a page): walking forward and
    back over dossiers one agency receives and another handles gives each once, in filing order."""
    x, y = world["x"], world["y"]
    handled_by_x = dossier_at(y)
    handled_by_x.handling_agency = x
    handled_by_x.save(update_fields=["handling_agency"])
    received_by_y_handled_by_y = dossier_at(y)
    _client, both = api_client([x, y], name="X and Y")
    expected = sorted(
        [*world["x_dossiers"], world["y_dossier"], handled_by_x, received_by_y_handled_by_y],
        key=lambda d: (d.submitted_at, d.pk),
    )

    forward, _statements = all_pages(client, both, page_size=2)
    assert forward == [d.code for d in expected]

    last = fetch(client, LIST, {"page_size": 2}, **both).json()
    while last["next"]:
        last = fetch(client, last["next"], **both).json()
    backward = [row["code"] for row in last["results"]]
    page = last
    while page["previous"]:
        page = fetch(client, page["previous"], **both).json()
        backward = [row["code"] for row in page["results"]] + backward
    assert backward == [d.code for d in expected]

    only_x, _statements = all_pages(client, world["headers_x"], page_size=1)
    assert only_x == [d.code for d in expected if x.pk in {d.receiving_agency_id, d.handling_agency_id}]


def test_one_state_of_an_agencys_history_has_an_index_in_filing_order():
    """The API's list of one state reads each agency column from an (agency, state, submitted_at, id)
    index: a page is a short index scan, however many dossiers of other states the agency has (the
    (agency, submitted_at, id) index skipped 12,600 of them for one page of "in_progress" in a ward's
    year)."""
    indexed = {tuple(index.fields) for index in Dossier._meta.indexes}

    for column in dossier_selectors.AGENCY_COLUMNS:
        assert (column, "state", "submitted_at", "id") in indexed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_on_postgresql_a_page_of_one_state_is_read_from_that_index_without_a_sort(world):
    identity = ClientIdentity(
        client=world["client_x"], scopes=frozenset(), agency_ids=frozenset({world["x"].pk})
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is too small to need an index
    for branch in selectors.dossier_list_branches(identity, selectors.DossierFilters(state="in_progress")):
        plan = branch.order_by("submitted_at", "id").values("pk")[:51].explain()

        assert "_state_filed" in plan and "Sort" not in plan, plan
