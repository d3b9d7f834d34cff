"""Per-request figures django-prometheus does not give: how many SQL statements each view runs (an N+1 shows
up as a view whose histogram moves right). Exposed at /metrics with the rest (portal/metrics.py)."""

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

DB_QUERIES_PER_REQUEST = Histogram(
    "portal_db_queries_per_request",
    "SQL statements run by one request (every database connection), by view.",
    ["view"],
    buckets=(1, 2, 5, 10, 20, 30, 50, 100, 200, 500),
)


class QueryCountMiddleware:
    """Counts the statements of each request with execute wrappers (no DEBUG needed) on every configured
    database connection, the replica included; the view is the URL name, as in django-prometheus."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counting(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counting))
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "<unnamed view>") if match else "<unresolved>"
        DB_QUERIES_PER_REQUEST.labels(view=view).observe(count)
        return response
