"""The wizard's final submit costs a fixed number of queries, however many documents the dossier carries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import State
from tests.dossiers.factories_extra import citizen, complete_draft, sign_in
from tests.factories import AgencyFactory, ProcedureVersionFactory, filed_dossier

pytestmark = pytest.mark.django_db

# The submit POST: session and user; the dossier, read once, locked, with its receiving agency (after
# SQLite's BEGIN IMMEDIATE, which PostgreSQL's driver does not log); the fees, the documents and the required
# ones; the day's code number (one upsert; rule sets and calendar are cached); the saved dossier and the
# audit row (a draft has no earlier link); its arrival at the agency; the applicant's notice (profile, one
# bulk insert in a savepoint); the national portal's sync row.
SUBMIT_QUERIES = 13
# Transaction control (BEGIN, COMMIT; in a test, the savepoints that stand for them) is not counted.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def data_statements(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().startswith(TRANSACTION_CONTROL)
    ]


@pytest.fixture(autouse=True)
def _sent_by_the_worker(monkeypatch):
    """The notices are sent after commit by a Celery worker, not by the request: in the embedded default
    they would run in-process here and be counted with the submit."""
    monkeypatch.setattr("notifications.services.enqueue", lambda *args, **kwargs: 0)


@pytest.fixture
def agency():
    """An agency whose code sequence of the day already exists, as for all its filings but the first."""
    agency = AgencyFactory()
    filed_dossier(version=ProcedureVersionFactory(published=True, documents=1, agencies=[agency]))
    return agency


def _post_submit(client, agency, documents: int) -> CaptureQueriesContext:
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=documents, agencies=[agency])
    dossier = complete_draft(version=version, applicant=person)
    assert dossier.documents.count() == documents
    sign_in(client, person)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("dossiers:submit", args=[dossier.pk]))
    assert response.status_code == 302 and response.url == reverse("dossiers:detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.code
    return captured


def test_submitting_a_dossier_with_ten_documents_stays_within_the_query_budget(
    client, agency, django_assert_max_num_queries
):
    person = citizen()
    version = ProcedureVersionFactory(published=True, documents=10, agencies=[agency])
    dossier = complete_draft(version=version, applicant=person)
    sign_in(client, person)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("dossiers:submit", args=[dossier.pk]))
    statements = data_statements(captured)
    assert len(statements) <= SUBMIT_QUERIES, "\n".join(statements)
    assert len(captured) <= SUBMIT_QUERIES + 4  # and at most one transaction with one savepoint in it
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.events.filter(action="submit").count() == 1


def test_submitting_costs_the_same_queries_whatever_the_number_of_documents(client, agency):
    counts = {
        documents: len(data_statements(_post_submit(client, agency, documents))) for documents in (1, 3, 10)
    }
    assert counts[1] == counts[3] == counts[10], counts
