"""No web request can hold PostgreSQL: each statement of a request is cancelled after DB_STATEMENT_TIMEOUT_MS
and the request is answered 503 (a page, or JSON under /api/) with Retry-After — not a 500. Statements
outside requests (Celery tasks, migrations) are never limited. The views below exist for these tests only."""

import time

import psycopg
import pytest
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.urls import path

from common import errors
from common.middleware import _StatementTimeout, forget_statement_timeouts

# transaction=True: the request runs as in production, outside a test transaction (a cancelled statement
# would abort it); serialized_rollback, as every transactional test here: the migrated rows survive.
pytestmark = [pytest.mark.postgres, pytest.mark.urls(__name__)]

TIMEOUT_MS = 300


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("finished")


def a_transaction_that_rolls_back() -> None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    except Exception:
        pass


def reset_timeout() -> None:
    """The session keeps a request's setting: a test leaves none behind, and the middleware forgets it."""
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")
    forget_statement_timeouts()


def timeout_in_force(request):
    """What a view sees, also after a transaction that rolled back (which undoes a SET made inside it)."""
    a_transaction_that_rolls_back()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return JsonResponse({"statement_timeout": cursor.fetchone()[0]})


urlpatterns = [
    path("slow/", slow),
    path("api/slow/", slow),
    path("timeout/", timeout_in_force),
]


@pytest.fixture
def short_timeout(settings):
    settings.DB_STATEMENT_TIMEOUT_MS = TIMEOUT_MS
    yield
    reset_timeout()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_running_past_the_timeout_is_cancelled_and_answered_503(client, short_timeout):
    client.cookies["portal_language"] = "en"
    started = time.monotonic()
    response = client.get("/slow/")
    assert time.monotonic() - started < 3  # pg_sleep(5) did not run to its end
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert "The portal is very busy" in response.content.decode()
    api = client.get("/api/slow/")
    assert api.status_code == 503
    assert api.json()["detail"].startswith("The portal is very busy")
    assert client.get("/timeout/").status_code == 200  # the same connection answers again at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_timeout_holds_for_the_whole_request_even_after_a_rollback(client, short_timeout):
    assert client.get("/timeout/").json() == {"statement_timeout": f"{TIMEOUT_MS}ms"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_statements_outside_web_requests_are_not_limited(client, short_timeout):
    """Celery tasks and migrations run on connections no request configured (a worker's pool serves no
    request): the setting is not a connection option (DATABASES), so a long statement there runs to its
    end. A new connection with the portal's own parameters, after a request limited this process's."""
    assert client.get("/timeout/").json() == {"statement_timeout": f"{TIMEOUT_MS}ms"}
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as worker:
        assert worker.execute("SHOW statement_timeout").fetchone()[0] == "0"
        worker.execute(f"SELECT pg_sleep({2 * TIMEOUT_MS / 1000})")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_cancelled_in_a_middleware_is_a_503_too(short_timeout):
    """Outside a view (session lookup in a middleware) the handler500 turns the cancellation into a 503."""
    request = RequestFactory().get("/")
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {TIMEOUT_MS}")
        try:
            cursor.execute("SELECT pg_sleep(5)")
        except Exception:
            response = errors.server_error(request)
    assert response.status_code == 503


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_timeout_when_it_is_turned_off(settings):
    settings.DB_STATEMENT_TIMEOUT_MS = 0
    reset_timeout()  # an earlier test's request may have left its setting
    assert Client().get("/timeout/").json() == {"statement_timeout": "0"}


def _show_timeout_in_a_request(milliseconds: int) -> str:
    """A request's statement on the test's connection, through the middleware's wrapper."""
    with connection.execute_wrapper(_StatementTimeout(milliseconds)), connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_that_holds_the_timeout_is_not_sent_it_again():
    """The pool lends the same connections from request to request: the SET is sent once per connection, not
    once per request (a round trip each). Shown by changing the setting behind the middleware's back: the
    next request on that connection sends nothing, so it sees the change."""
    connection.close()
    try:
        assert _show_timeout_in_a_request(TIMEOUT_MS) == f"{TIMEOUT_MS}ms"
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 1234")
        assert _show_timeout_in_a_request(TIMEOUT_MS) == "1234ms"  # no second SET
        assert _show_timeout_in_a_request(500) == "500ms"  # another limit is sent
        forget_statement_timeouts()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 1234")
        assert _show_timeout_in_a_request(500) == "500ms"  # forgotten: sent again
    finally:
        reset_timeout()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_timeout_set_inside_a_transaction_is_not_taken_as_held():
    """A SET inside a transaction is undone by its rollback: the next request sends it again."""
    connection.close()
    # The pool may lend a connection an earlier request of this process left its own limit on (a SET outside
    # a transaction is the session's): start from none, or the rollback would bring that one back.
    reset_timeout()
    try:
        with connection.execute_wrapper(_StatementTimeout(TIMEOUT_MS)):
            a_transaction_that_rolls_back()
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"  # rolled back with the transaction
        assert _show_timeout_in_a_request(TIMEOUT_MS) == f"{TIMEOUT_MS}ms"
    finally:
        reset_timeout()
