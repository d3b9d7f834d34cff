"""/metrics (portal/metrics.py): answered only to the allowed addresses or the bearer token, and the series
operators alert on — outbox backlogs and ages, Celery queue depths, payment and refund failures, signing
certificates' days left, latency per view, SQL statements per request. The alert rules
(deploy/prometheus/alerts.yml) name only series the endpoint exposes."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from common import clock
from dossiers import services as dossier_services
from e_results import sandbox_pki
from notifications.models import Notification, Status
from payments.models import AttemptState, Refund, RefundStatus
from portal import metrics
from portal.celery import app as portal_celery
from tests.factories import UserFactory
from tests.payments.support import clerk_of, filed, pay, reload
from tests.services_support import RedisServer

pytestmark = pytest.mark.django_db

ALERTS = Path(settings.BASE_DIR) / "deploy" / "prometheus" / "alerts.yml"
# Series Prometheus makes itself, not the endpoint.
PROMETHEUS_OWN = {"up"}


@pytest.fixture(autouse=True)
def _no_signing_certificates(settings, tmp_path):
    """Not the demo's certificates under var/ (opening each costs ~40 ms): tests write their own."""
    settings.E_RESULTS_PKCS12_DIR = str(tmp_path / "pkcs12")


def scrape(client, **headers) -> str:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels) -> float | None:
    # Only the lines of that series are parsed: after the whole suite's requests in one process, the scrape
    # holds every view's latency histogram, and parsing all of it took seconds per call.
    lines = [line for line in text.splitlines() if re.match(rf"{re.escape(name)}[{{ ]", line)]
    return samples("\n".join(lines) + "\n").get((name, frozenset(labels.items())))


def pending_email(created_minutes_ago: int, status=Status.CREATED) -> Notification:
    return Notification.objects.create(
        recipient=UserFactory(),
        event="dossier_received",
        channel="email",
        address="an.nguyen@example.vn",
        body="x",
        status=status,
        created_at=clock.now() - datetime.timedelta(minutes=created_minutes_ago),
    )


def test_metrics_are_a_404_to_an_address_not_allowed(client, settings):
    settings.METRICS_TOKEN = "scrape-token-of-the-province"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    wrong = {"HTTP_AUTHORIZATION": "Bearer not-the-token"}
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", **wrong).status_code == 404
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_answer_the_bearer_token_from_any_address(client, settings):
    settings.METRICS_TOKEN = "scrape-token-of-the-province"
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-token-of-the-province"
    )
    assert response.status_code == 200 and b"portal_outbox_pending" in response.content


def test_an_empty_token_setting_accepts_no_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_allowed_addresses_may_be_networks(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "not-an-address"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    # Behind no proxy of ours, X-Forwarded-For is the client's own writing and is not believed.
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 404


def test_the_scrape_reports_each_outbox_backlog_and_its_oldest_rows_age(client):
    for minutes in (10, 5, 1):
        pending_email(minutes)
    pending_email(60, status=Status.SENT)  # sent: not waiting
    text = scrape(client)
    assert value(text, "portal_outbox_pending", outbox="notifications") == 3
    assert 600 <= value(text, "portal_outbox_oldest_age_seconds", outbox="notifications") < 700
    for outbox in ("postal", "national_sync", "e_results_signing", "refunds"):
        assert value(text, "portal_outbox_pending", outbox=outbox) == 0
        assert value(text, "portal_outbox_oldest_age_seconds", outbox=outbox) == 0


def test_the_collector_runs_the_same_few_queries_however_many_rows_wait():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(metrics.PortalCollector().collect())
        return len(captured)

    empty = queries()
    for minutes in range(20):
        pending_email(minutes)
    assert queries() == empty == 8  # five outboxes, payment failures, refund failures, refused sign-ins


def test_the_scrape_counts_failed_payments_and_refunds_waiting_for_finance(client):
    failed = pay(filed(), "failure")
    assert failed.state == AttemptState.FAILED
    dossier = filed()
    pay(dossier)
    dossier_services.refuse(dossier=reload(dossier), clerk=clerk_of(dossier), reason="Sai địa bàn.")
    assert Refund.objects.filter(dossier=dossier).update(status=RefundStatus.FAILED) == 1
    text = scrape(client)
    assert value(text, "portal_payment_attempts_failed_last_hour") == 1
    assert value(text, "portal_refunds_failed") == 1


def test_the_scrape_reports_latency_per_view_and_sql_statements_per_request(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    after = scrape(client)

    def grew(name, **labels) -> float:
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert (
        grew("django_http_requests_latency_seconds_by_view_method_count", view="healthz", method="GET") == 2
    )
    assert grew("portal_db_queries_per_request_count", view="healthz") == 2
    assert grew("portal_db_queries_per_request_sum", view="healthz") >= 2  # SELECT 1 and the outboxes


def test_in_process_tasks_report_empty_queues(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    text = scrape(client)
    assert value(text, "portal_celery_broker_up") == 1
    for queue in settings.PORTAL_QUEUES:
        assert value(text, "portal_celery_queue_length", queue=queue) == 0


def test_the_scrape_answers_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = portal_celery.conf.broker_url
    portal_celery.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        text = scrape(client)
    finally:
        portal_celery.conf.broker_url = original
    assert value(text, "portal_celery_broker_up") == 0
    assert "portal_celery_queue_length{" not in text
    assert value(text, "portal_outbox_pending", outbox="notifications") == 0


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_queue_depths_are_read_from_the_redis_broker_priorities_included(client, settings, tmp_path):
    server = RedisServer(tmp_path / "redis")  # its own instance: the shared Redis is never touched
    server.start()
    original = portal_celery.conf.broker_url
    try:
        # kombu's own key layout, as the portal's tasks are published; not the current app, or every
        # shared task of the later tests would be sent to this server.
        sender = Celery(broker=server.url, set_as_current=False)
        sender.send_task("notifications.tasks.send_notification", args=[1], queue="notifications")
        sender.send_task("notifications.tasks.send_notification", args=[2], queue="notifications")
        sender.send_task("postal.tasks.submit_order", args=[3], queue="postal", priority=5)
        settings.CELERY_TASK_ALWAYS_EAGER = False
        portal_celery.conf.broker_url = server.url
        text = scrape(client)
    finally:
        portal_celery.conf.broker_url = original
        server.stop()
    assert value(text, "portal_celery_broker_up") == 1
    assert value(text, "portal_celery_queue_length", queue="notifications") == 2
    assert value(text, "portal_celery_queue_length", queue="postal") == 1
    assert value(text, "portal_celery_queue_length", queue="default") == 0


def write_agency_certificate(directory: Path, code: str, days_left: int) -> None:
    root = sandbox_pki.issue_root()
    leaf = sandbox_pki.issue_leaf(
        root,
        f"Agency {code}",
        not_after=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days_left),
    )
    directory.mkdir(parents=True, exist_ok=True)
    passphrase = settings.E_RESULTS_PKCS12_PASSPHRASES["*"].encode()
    path = directory / sandbox_pki.agency_pkcs12_name(code)
    path.write_bytes(sandbox_pki.pkcs12_bytes(leaf, [root.certificate], passphrase))


def test_the_scrape_reports_days_left_on_each_agency_signing_certificate(client, settings, tmp_path):
    settings.E_RESULTS_PKCS12_PASSPHRASES = {"*": "sandbox"}
    write_agency_certificate(tmp_path / "pkcs12", "000.00.01.H43", days_left=20)
    write_agency_certificate(tmp_path / "pkcs12", "000.00.02.H43", days_left=400)
    (tmp_path / "pkcs12" / sandbox_pki.agency_pkcs12_name("broken")).write_bytes(b"not a PKCS#12")
    text = scrape(client)
    assert 19.9 < value(text, "portal_signing_certificate_expiry_days", agency="000.00.01.H43") <= 20
    assert 399.9 < value(text, "portal_signing_certificate_expiry_days", agency="000.00.02.H43") <= 400
    assert 'agency="broken"' not in text


def metric_names_in(expression: str) -> set[str]:
    """The series a PromQL expression reads: identifiers that are not functions, keywords, label names
    (inside braces, by/without lists) or durations."""
    stripped = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"", " ", expression)
    stripped = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", stripped)
    names = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(?:\{|\[|$|[\s)<>=!+\-*/,]))", stripped))
    functions = set(re.findall(r"([A-Za-z_]+)\s*\(", stripped))
    keywords = {"and", "or", "unless", "bool", "offset"}
    return {name for name in names - functions - keywords if not re.fullmatch(r"\d.*", name)}


def test_alert_rules_use_only_series_the_endpoint_exposes(client, tmp_path):
    write_agency_certificate(tmp_path / "pkcs12", "000.00.01.H43", days_left=20)
    client.get("/healthz")
    client.get("/no-such-page/")  # a 404: response counters by status have a sample
    text = scrape(client)
    exposed = set()
    for family in text_string_to_metric_families(text):
        exposed.add(family.name)
        exposed.update(sample.name for sample in family.samples)

    rules = [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]
    used = set()
    for rule in rules:
        assert rule["alert"] and rule["expr"] and rule["annotations"]["summary"]
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}
        used |= metric_names_in(str(rule["expr"]))
    assert used - PROMETHEUS_OWN, "no rule found"
    assert not (used - PROMETHEUS_OWN - exposed), sorted(used - PROMETHEUS_OWN - exposed)
    # The four kinds of alert the operators asked for.
    assert {
        "portal_outbox_oldest_age_seconds",
        "portal_celery_queue_length",
        "django_http_responses_total_by_status_total",
        "portal_signing_certificate_expiry_days",
    } <= used


def test_the_scrape_counts_the_sign_ins_refused_in_the_last_hour(client):
    from datetime import timedelta

    from accounts import services as account_services
    from accounts.models import SignIn
    from tests.factories import UserFactory

    user = UserFactory()
    for _ in range(3):
        account_services.record_sign_in(user=user, request=None, method="password", succeeded=False)
    account_services.record_sign_in(user=user, request=None, method="password", succeeded=True)
    old = account_services.record_sign_in(user=user, request=None, method="password", succeeded=False)
    SignIn.objects.filter(pk=old.pk).update(at=clock.now() - timedelta(minutes=61))

    assert value(scrape(client), "portal_sign_ins_refused_last_hour") == 3
