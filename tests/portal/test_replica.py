"""Reads that tolerate lag go to the read replica (common/replica.py), everything else to the primary.

The "replica" alias exists here only: a test mirror of default (a second connection to the same test
database), added for this module. The tests that read through it are transactional, so that what they
wrote is committed and visible to the second connection, as replication would make it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.replica import REPLICA, ReplicaRouter, lag_tolerant, reads_lag_tolerant
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier, LookupCodeGuard, State
from procedures.models import Field, ProcedureVersion
from tests.dossiers.factories_extra import citizen, received
from tests.dossiers.staff_support import dossier_in, sign_in, world
from tests.factories import FieldFactory, ProcedureVersionFactory, UserFactory, filed_dossier

ROOT = Path(__file__).resolve().parents[2]
WITH_REPLICA = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
)


@pytest.fixture(scope="module", autouse=True)
def replica_mirror(django_db_setup):
    """A "replica" alias mirroring default's test database. Module-scoped, so that it exists before the
    test's database fixture checks the aliases the test names."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    yield
    mirror = connections[REPLICA]
    mirror.close()
    if mirror.vendor == "postgresql":
        mirror.close_pool()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def sql_on(captured: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in captured.captured_queries)


# --- the router ----------------------------------------------------------------------------------------
def test_reads_marked_lag_tolerant_go_to_the_replica_and_all_others_to_the_primary():
    assert router.db_for_read(Field) == DEFAULT_DB_ALIAS
    with lag_tolerant():
        assert router.db_for_read(Field) == REPLICA
        assert router.db_for_write(Field) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Field) == DEFAULT_DB_ALIAS


def test_a_row_read_on_the_replica_does_not_pull_later_reads_there():
    on_replica = Field(code="ho-tich")
    on_replica._state.db = REPLICA
    assert router.db_for_read(ProcedureVersion, instance=on_replica) == DEFAULT_DB_ALIAS
    assert router.db_for_write(ProcedureVersion, instance=on_replica) == DEFAULT_DB_ALIAS


def test_sessions_are_always_read_from_the_primary():
    with lag_tolerant():
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


def test_without_a_replica_lag_tolerant_reads_stay_on_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA)
    with lag_tolerant():
        assert router.db_for_read(Field) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated_and_rows_of_both_may_be_related():
    replica_router = ReplicaRouter()
    assert replica_router.allow_migrate(DEFAULT_DB_ALIAS, "procedures") is True
    assert replica_router.allow_migrate(REPLICA, "procedures") is False
    on_primary, on_replica = Field(code="a"), Field(code="b")
    on_primary._state.db, on_replica._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert replica_router.allow_relation(on_primary, on_replica) is True


@WITH_REPLICA
def test_reads_inside_a_transaction_go_to_the_primary():
    FieldFactory(code="ho-tich")
    with lag_tolerant():
        with transaction.atomic(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert Field.objects.filter(code="ho-tich").exists()
        assert on_replica.captured_queries == []
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert Field.objects.filter(code="ho-tich").exists()
        assert "procedures_field" in sql_on(on_replica)


@WITH_REPLICA
def test_reads_after_a_write_go_to_the_primary():
    @reads_lag_tolerant
    def writes_then_reads():
        with CaptureQueriesContext(connections[REPLICA]) as before:
            Field.objects.count()
        FieldFactory(code="ho-tich")
        with CaptureQueriesContext(connections[REPLICA]) as after:
            found = Field.objects.filter(code="ho-tich").exists()
        return before, after, found

    before, after, found = writes_then_reads()

    assert "procedures_field" in sql_on(before)
    assert after.captured_queries == [] and found


# --- the pages -----------------------------------------------------------------------------------------
@WITH_REPLICA
def test_the_catalogue_pages_and_api_read_through_the_replica(client):
    version = ProcedureVersionFactory(published=True, name="Đăng ký khai sinh")
    code = version.procedure.national_code
    for url in [
        reverse("procedures:catalogue"),
        reverse("procedures:detail", args=[code]),
        reverse("api-procedures"),
        reverse("api-procedure", args=[code]),
    ]:
        with (
            CaptureQueriesContext(connection) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        assert "Đăng ký khai sinh" in response.content.decode(), url
        assert "procedures_procedureversion" in sql_on(on_replica), url
        assert "procedures_procedureversion" not in sql_on(on_primary), url


@WITH_REPLICA
def test_the_register_reads_its_rows_through_the_replica_and_who_is_signed_in_from_the_primary(client):
    w = world()
    dossier = dossier_in(w, State.SUBMITTED)
    sign_in(client, w.desk.clerk)
    for name in ["staff:register", "staff:register_xlsx"]:
        with (
            CaptureQueriesContext(connection) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            response = client.get(reverse(name, args=[w.desk.agency.code]))
        assert response.status_code == 200, name
        assert "dossiers_dossier" in sql_on(on_replica), name
        assert "dossiers_dossier" not in sql_on(on_primary), name
        assert "django_session" in sql_on(on_primary) and "django_session" not in sql_on(on_replica)
    assert dossier.code in client.get(reverse("staff:register", args=[w.desk.agency.code])).content.decode()


@WITH_REPLICA
def test_the_lookup_reads_the_dossier_through_the_replica_and_the_codes_guard_on_the_primary(client):
    person = citizen(phone="0912003344")
    dossier, _clerk = received(filed_dossier(applicant=person))
    with (
        CaptureQueriesContext(connection) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "digits": "3344"})
    assert response.status_code == 200 and response.context["dossier"] == dossier
    assert "dossiers_dossierevent" in sql_on(on_replica)
    assert "dossiers_dossier" not in sql_on(on_primary)
    assert "dossiers_lookupcodeguard" in sql_on(on_primary)
    assert "dossiers_lookupcodeguard" not in sql_on(on_replica)


@WITH_REPLICA
def test_a_dossier_not_yet_on_the_replica_is_found_on_the_primary_and_no_miss_is_counted(client, monkeypatch):
    person = citizen(phone="0912003344")
    dossier = filed_dossier(applicant=person)
    public_lookup = dossier_selectors.public_lookup

    def lagging_replica(code, digits):
        return None if router.db_for_read(Dossier) == REPLICA else public_lookup(code, digits)

    monkeypatch.setattr(dossier_selectors, "public_lookup", lagging_replica)

    response = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "digits": "3344"})

    assert response.status_code == 200 and response.context["dossier"] == dossier
    assert not LookupCodeGuard.objects.exists()


@WITH_REPLICA
def test_the_full_process_dashboard_reads_through_the_replica(client):
    ProcedureVersionFactory(published=True)
    sign_in(client, UserFactory(catalogue_admin=True))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("full_process_share"))
    assert response.status_code == 200
    assert "procedures_procedureversion" in sql_on(on_replica)


# --- settings ------------------------------------------------------------------------------------------
def load_settings(**env) -> subprocess.CompletedProcess:
    """Imports the settings with this environment and prints DATABASES (no connection is made)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE")}
    environment.update(env)
    script = "import json; from portal import settings; print(json.dumps(settings.DATABASES, default=str))"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def databases_for(**env) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_replica_alias_exists_only_with_database_replica_url_and_is_set_up_like_the_primary():
    primary_only = databases_for(DATABASE_URL="postgres://portal:x@db1:5432/portal")
    assert list(primary_only) == ["default"]
    assert primary_only["default"]["OPTIONS"]["options"] == "-c jit=off -c join_collapse_limit=4"

    both = databases_for(
        DATABASE_URL="postgres://portal:x@db1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal:x@db2:5432/portal",
        DB_STATEMENT_TIMEOUT_MS="4000",
    )
    default, replica = both["default"], both["replica"]
    assert (
        replica["HOST"] == "db2" and replica["ENGINE"] == default["ENGINE"] == "django.db.backends.postgresql"
    )
    assert replica["OPTIONS"]["pool"] == default["OPTIONS"]["pool"]
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] == 0
    # The middleware sets the web requests' statement timeout on the primary's connection only.
    assert replica["OPTIONS"]["options"] == "-c jit=off -c join_collapse_limit=4 -c statement_timeout=4000"
    assert default["OPTIONS"]["options"] == "-c jit=off -c join_collapse_limit=4"


def test_a_replica_of_the_embedded_sqlite_database_is_refused(tmp_path):
    result = load_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DATABASE_REPLICA_URL="postgres://portal:x@db2:5432/portal",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs PostgreSQL" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_primary_connection_runs_without_jit_and_with_a_short_join_search():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "4"


def test_the_connections_bind_on_the_server_and_prepare_repeated_queries_unless_told_not_to():
    both = databases_for(
        DATABASE_URL="postgres://portal:x@db1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal:x@db2:5432/portal",
    )
    for database in both.values():
        assert database["OPTIONS"]["server_side_binding"] is True
        assert database["OPTIONS"]["prepare_threshold"] == 5
    behind_a_pooler = databases_for(
        DATABASE_URL="postgres://portal:x@db1:5432/portal", DATABASE_PREPARED_STATEMENTS="false"
    )["default"]["OPTIONS"]
    assert "server_side_binding" not in behind_a_pooler and "prepare_threshold" not in behind_a_pooler


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_run_again_on_the_connection_is_prepared_there_once():
    dossier = filed_dossier()
    # Its SQL, as sent: the parameters apart ($1), so every dossier's read is the same statement.
    prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
    read = '%FROM "dossiers_dossier" WHERE "dossiers_dossier"."id" = $1%'
    for _ in range(6):
        assert Dossier.objects.filter(pk=dossier.pk).only("pk").get() == dossier
    with connection.cursor() as cursor:
        cursor.execute(prepared, [read])
        assert cursor.fetchone()[0] == 1
