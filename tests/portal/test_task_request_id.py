"""A task's log lines carry the id of the web request that queued it (common/logging.py, connected in
portal/celery.py): the id travels as a message header, the worker puts it in every line the task logs, and a
task nobody's request queued (beat, a sweeper) logs under its own id."""

import pytest
from celery import Celery
from celery.worker.request import Request
from django.http import HttpResponse
from django.test import RequestFactory

from common.logging import TASK_REQUEST_ID_HEADER, RequestIdMiddleware, current_request_id

REPORTED = "citizen-report-0042"  # the X-Request-ID a citizen's error page showed


@pytest.fixture
def broker():
    """A Celery app of its own on an in-memory broker: the messages are read back as a worker reads them."""
    app = Celery("request-id", broker="memory://", set_as_current=False)

    @app.task(name="tests.which_request")
    def which_request():
        return current_request_id()

    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery")
        yield app, which_request, queue
        queue.close()


def in_a_request(work, request_id: str = REPORTED):
    """`work()` run inside a web request with that id (the portal's first middleware)."""
    outcome = {}

    def view(_request):
        outcome["value"] = work()
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
    return outcome["value"]


def run_as_a_worker(app, task, message):
    return Request(message, app=app, task=task).execute()


def test_a_task_queued_by_a_request_runs_under_that_request_id(broker):
    app, which_request, queue = broker
    in_a_request(lambda: which_request.apply_async())
    message = queue.get(timeout=2)

    assert message.headers[TASK_REQUEST_ID_HEADER] == REPORTED
    assert run_as_a_worker(app, which_request, message) == REPORTED
    assert current_request_id() is None  # the worker's next task does not inherit it


def test_a_task_nobody_queued_from_a_request_runs_under_its_own_id(broker):
    app, which_request, queue = broker
    result = which_request.apply_async()  # beat or a sweeper: no request
    message = queue.get(timeout=2)

    assert TASK_REQUEST_ID_HEADER not in message.headers
    assert run_as_a_worker(app, which_request, message) == f"task-{result.id}"
    assert current_request_id() is None


def test_a_header_that_does_not_look_like_a_request_id_is_not_logged(broker):
    app, which_request, queue = broker
    which_request.apply_async(headers={TASK_REQUEST_ID_HEADER: "bad id\n{forged log line}"})
    message = queue.get(timeout=2)

    assert run_as_a_worker(app, which_request, message) == f"task-{message.headers['id']}"


def test_a_task_run_in_process_keeps_the_request_it_runs_in(broker):
    """The embedded default runs tasks eagerly, inside the request: its lines are that request's."""
    _app, which_request, _queue = broker

    assert in_a_request(lambda: which_request.apply().get()) == REPORTED
