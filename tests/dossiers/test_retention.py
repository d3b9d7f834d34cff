"""Retention of closed dossiers (dossiers/services/retention.py): past the procedure's period a dossier is
minimised and its files move to the archive storage; the register still lists it."""

import datetime
import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from dossiers import storage as dossier_storage
from dossiers.models import Dossier, DossierDocument, State, StoredFile
from dossiers.services import retention
from tests.dossiers.staff_support import dossier_in, page, reload, sign_in, world

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2036, 6, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _default_retention(settings):
    # The archive storage is already the test's own folder (tests/conftest.py).
    settings.DOSSIER_RETENTION_YEARS_DEFAULT = 10


@pytest.fixture
def w():
    return world()


def closed_on(dossier: Dossier, moment: datetime.datetime) -> Dossier:
    """Move the closing time of a closed dossier (returned_at or decided_at) to `moment`."""
    column = "returned_at" if dossier.state == State.RETURNED else "decided_at"
    Dossier.objects.filter(pk=dossier.pk).update(**{column: moment})
    return reload(dossier)


def returned_dossier(w, closed=NOW - datetime.timedelta(days=11 * 365)) -> Dossier:
    return closed_on(dossier_in(w, State.RETURNED), closed)


def files_of(dossier: Dossier) -> list[StoredFile]:
    return list(StoredFile.objects.filter(uses__dossier=dossier).distinct().order_by("pk"))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the period ---------------------------------------------------------------------------------------------
def test_the_default_period_applies_when_the_procedure_sets_none(w, settings):
    settings.DOSSIER_RETENTION_YEARS_DEFAULT = 5
    dossier = returned_dossier(w, closed=NOW - datetime.timedelta(days=6 * 365))
    assert dossier.procedure_version.procedure.retention_years is None

    assert list(retention.expired_dossiers(NOW)) == [dossier]


def test_a_procedures_own_period_overrides_the_default(w):
    dossier = returned_dossier(w, closed=NOW - datetime.timedelta(days=11 * 365))
    procedure = dossier.procedure_version.procedure
    procedure.retention_years = 20
    procedure.save()

    assert list(retention.expired_dossiers(NOW)) == []

    procedure.retention_years = 2
    procedure.save()
    other = closed_on(dossier_in(w, State.RETURNED), NOW - datetime.timedelta(days=3 * 365))
    assert other.procedure_version.procedure.retention_years is None  # 10 years: not yet
    assert list(retention.expired_dossiers(NOW)) == [dossier]


def test_a_dossier_is_archived_from_the_day_its_period_ends_and_not_a_day_before(w):
    dossier = closed_on(
        dossier_in(w, State.RETURNED), datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)
    )
    day_before = NOW - datetime.timedelta(days=1)

    assert not retention.archive_dossier(dossier_id=dossier.pk, now=day_before)
    assert retention.archive_expired(now=day_before).archived == 0
    assert reload(dossier).archived_at is None

    assert retention.archive_expired(now=NOW + datetime.timedelta(days=1)).archived == 1
    assert reload(dossier).archived_at is not None


def test_refused_denied_stopped_dossiers_count_from_their_decision(w):
    old = NOW - datetime.timedelta(days=11 * 365)
    closed = [closed_on(dossier_in(w, state), old) for state in (State.REFUSED, State.DENIED, State.STOPPED)]
    recent = closed_on(dossier_in(w, State.REFUSED), NOW - datetime.timedelta(days=365))

    assert set(retention.expired_dossiers(NOW)) == set(closed)
    assert recent not in retention.expired_dossiers(NOW)


def test_open_dossiers_are_never_archived(w):
    long_ago = NOW - datetime.timedelta(days=30 * 365)
    for state in (State.SUBMITTED, State.IN_PROGRESS, State.RESULT_READY):
        dossier = dossier_in(w, state)
        Dossier.objects.filter(pk=dossier.pk).update(
            decided_at=long_ago, returned_at=long_ago, submitted_at=long_ago, received_at=long_ago
        )

    assert retention.archive_expired(now=NOW).archived == 0
    assert not Dossier.objects.filter(archived_at__isnull=False).exists()


# --- what archiving does ------------------------------------------------------------------------------------
def test_archiving_minimises_personal_data_and_keeps_code_and_outcome(w):
    dossier = returned_dossier(w)
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_id_number="001203004567",
        applicant_phone="0912345678",
        applicant_email="lan@example.vn",
        delivery_address="Số 3 phố Trần Hưng Đạo",
    )
    code, agency, events = dossier.code, dossier.receiving_agency_id, dossier.events.count()

    assert retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    archived = reload(dossier)
    assert archived.archived_at == NOW
    assert archived.is_archived
    assert (archived.code, archived.state, archived.receiving_agency_id) == (code, State.RETURNED, agency)
    assert archived.returned_at is not None and archived.received_at is not None
    assert archived.applicant_name == "N.T.L."  # Nguyễn Thị Lan
    assert archived.applicant_id_number == archived.applicant_phone == archived.applicant_email == ""
    assert archived.applicant_address == archived.delivery_address == ""
    assert archived.form_data == {}
    assert archived.applicant_id == dossier.applicant_id
    assert archived.events.count() == events  # the audit trail is append-only: untouched


def test_archived_files_move_to_the_archive_with_their_checksum_and_the_originals_go(
    w, django_capture_on_commit_callbacks
):
    dossier = returned_dossier(w)
    before = files_of(dossier)
    assert before
    originals = [Path(settings.MEDIA_ROOT) / stored.file.name for stored in before]
    assert all(path.exists() for path in originals)

    with django_capture_on_commit_callbacks(execute=True):
        retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    archive_root = Path(storages["archive"].location)
    for stored, original in zip(files_of(dossier), originals, strict=True):
        assert dossier_storage.is_archived_name(stored.file.name)
        copy = archive_root / stored.file.name.removeprefix(dossier_storage.ARCHIVE_PREFIX)
        assert sha256_of(copy) == stored.sha256
        assert not original.exists()
        with stored.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256


def test_a_file_another_live_dossier_uses_stays_in_place(w, django_capture_on_commit_callbacks):
    dossier = returned_dossier(w)
    shared = files_of(dossier)[0]
    live = dossier_in(w, State.SUBMITTED)
    DossierDocument.objects.create(dossier=live, stored_file=shared, reused=True)

    with django_capture_on_commit_callbacks(execute=True):
        retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    shared.refresh_from_db()
    assert not dossier_storage.is_archived_name(shared.file.name)
    assert (Path(settings.MEDIA_ROOT) / shared.file.name).exists()


def test_archived_documents_still_download_for_the_applicant_and_staff(
    w, client, django_capture_on_commit_callbacks
):
    dossier = returned_dossier(w)
    document = dossier.documents.select_related("stored_file").first()
    with django_capture_on_commit_callbacks(execute=True):
        retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    for user in (dossier.applicant, w.desk.clerk):
        sign_in(client, user)
        response = client.get(reverse("dossiers:document", args=[document.pk]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == document.stored_file.sha256
        client.logout()


def test_running_again_changes_nothing(w, django_capture_on_commit_callbacks):
    dossier = returned_dossier(w)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.archive_expired(now=NOW).archived == 1
    names = [stored.file.name for stored in files_of(dossier)]
    version = reload(dossier).lock_version

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.archive_expired(now=NOW).archived == 0
        assert not retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    assert [stored.file.name for stored in files_of(dossier)] == names
    assert reload(dossier).lock_version == version


def test_a_crash_before_the_commit_leaves_the_dossier_whole_and_a_rerun_archives_it(
    w, django_capture_on_commit_callbacks
):
    dossier = returned_dossier(w)
    names = [stored.file.name for stored in files_of(dossier)]

    # The copy is made, then the process dies before the row is saved: the transaction rolls back.
    with mock.patch.object(Dossier, "save", side_effect=RuntimeError("killed")), pytest.raises(RuntimeError):
        retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    assert reload(dossier).archived_at is None
    assert [stored.file.name for stored in files_of(dossier)] == names
    assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.archive_expired(now=NOW).archived == 1
    assert all(dossier_storage.is_archived_name(stored.file.name) for stored in files_of(dossier))
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in names)


def test_a_crash_after_the_commit_leaves_originals_the_next_run_deletes(
    w, django_capture_on_commit_callbacks
):
    dossier = returned_dossier(w)
    names = [stored.file.name for stored in files_of(dossier)]
    default = storages["default"]

    with (
        mock.patch.object(type(default), "delete", side_effect=OSError("disk gone")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert retention.archive_expired(now=NOW).archived == 1

    archived = files_of(dossier)
    assert all(dossier_storage.is_archived_name(stored.file.name) for stored in archived)
    assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in names)  # left behind
    with archived[0].file.open("rb") as handle:  # the row already reads the archive copy
        assert hashlib.sha256(handle.read()).hexdigest() == archived[0].sha256

    assert retention.archive_expired(now=NOW + datetime.timedelta(days=1)).archived == 0
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in names)
    assert [stored.file.name for stored in files_of(dossier)] == [stored.file.name for stored in archived]


def test_a_copy_that_does_not_match_its_checksum_leaves_the_dossier_unarchived(w):
    dossier = returned_dossier(w)
    StoredFile.objects.filter(uses__dossier=dossier).update(sha256="0" * 64)

    run = retention.archive_expired(now=NOW)

    assert (run.archived, run.failed) == (0, [dossier.pk])
    assert reload(dossier).archived_at is None
    assert reload(dossier).applicant_name == "Nguyễn Thị Lan"


# --- pages --------------------------------------------------------------------------------------------------
def test_the_register_still_lists_an_archived_dossier_with_code_and_outcome(w, client):
    dossier = returned_dossier(w)
    retention.archive_dossier(dossier_id=dossier.pk, now=NOW)
    sign_in(client, w.desk.clerk)

    html = client.get(reverse("staff:register", args=[w.desk.agency.code])).content.decode()
    assert dossier.code in html and "Result returned" in html
    assert "Nguyễn Thị Lan" not in html

    import io

    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(client.get(reverse("staff:register_xlsx", args=[w.desk.agency.code])).content)
    )
    rows = [row for row in book.active.iter_rows(values_only=True) if row[1] == dossier.code]
    assert rows and rows[0][10] == "Đã trả kết quả" and rows[0][2] == "N.T.L." and not rows[0][3]


def test_the_staff_page_shows_it_archived_without_personal_data(w, client):
    dossier = returned_dossier(w)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone="0912345678")
    retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    html = page(sign_in(client, w.desk.clerk), dossier)
    assert "Archived" in html and "15/06/2036" in html
    assert "0912345678" not in html and "Lê Lợi" not in html and dossier.applicant.email not in html


def test_the_staff_page_says_da_luu_tru_in_vietnamese(w, client):
    dossier = returned_dossier(w)
    retention.archive_dossier(dossier_id=dossier.pk, now=NOW)

    html = page(sign_in(client, w.desk.clerk, language="vi"), dossier)
    assert "Đã lưu trữ" in html


def test_the_citizens_list_shows_the_dossier_as_archived(w, client):
    dossier = returned_dossier(w)
    retention.archive_dossier(dossier_id=dossier.pk, now=NOW)
    sign_in(client, dossier.applicant)

    html = client.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code in html and "Archived" in html
    assert "Archived" in client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()


def test_the_citizens_list_query_count_does_not_grow_with_archived_dossiers(
    w, client, django_assert_max_num_queries
):
    first = returned_dossier(w)
    applicant = first.applicant
    retention.archive_dossier(dossier_id=first.pk, now=NOW)
    sign_in(client, applicant)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dossiers:mine"))
    for _ in range(3):
        more = returned_dossier(w)
        Dossier.objects.filter(pk=more.pk).update(applicant=applicant)
        retention.archive_dossier(dossier_id=more.pk, now=NOW)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("dossiers:mine")).status_code == 200


# --- operations ---------------------------------------------------------------------------------------------
def test_the_beat_runs_the_archive_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["dossiers-archive-expired"]
    assert entry["task"] == "dossiers.tasks.archive_expired_dossiers"
    from dossiers.tasks import archive_expired_dossiers

    assert archive_expired_dossiers.name == entry["task"]


def test_the_task_returns_how_many_it_archived(w):
    returned_dossier(w)
    from dossiers.tasks import archive_expired_dossiers

    with mock.patch("common.clock.now", return_value=NOW):
        assert archive_expired_dossiers() == 1


def test_the_commands_dry_run_changes_nothing(w, capsys):
    dossier = returned_dossier(w)
    names = [stored.file.name for stored in files_of(dossier)]

    with mock.patch("common.clock.now", return_value=NOW):
        call_command("archive_dossiers", "--dry-run")

    out = capsys.readouterr().out
    assert dossier.code in out and "1 dossier(s)" in out
    assert reload(dossier).archived_at is None and reload(dossier).applicant_name == "Nguyễn Thị Lan"
    assert [stored.file.name for stored in files_of(dossier)] == names


def test_the_command_archives_at_most_its_limit(w, capsys):
    for _ in range(3):
        returned_dossier(w)

    with mock.patch("common.clock.now", return_value=NOW):
        call_command("archive_dossiers", "--limit", "2")

    assert Dossier.objects.filter(archived_at__isnull=False).count() == 2
    assert "2 dossier(s) archived" in capsys.readouterr().out


def test_the_procedure_admin_edits_the_retention_period(client):
    from tests.factories import ProcedureVersionFactory, UserFactory

    version = ProcedureVersionFactory(published=True)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, admin_user)
    url = reverse("admin:procedures_procedure_change", args=[version.procedure.pk])
    html = client.get(url).content.decode()
    assert 'name="retention_years"' in html and 'name="versions-0-name"' not in html

    response = client.post(
        url,
        {
            "retention_years": "15",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": str(version.pk),
            "versions-0-procedure": str(version.procedure.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version.procedure.refresh_from_db()
    assert version.procedure.retention_years == 15
    assert version.procedure.retention_years_in_force == 15


# --- two workers at once (PostgreSQL) ---------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_archive_each_dossier_once():
    from tests.dossiers.factories_core import run_in_threads

    w = world()
    dossiers = [returned_dossier(w) for _ in range(4)]
    originals = [Path(settings.MEDIA_ROOT) / stored.file.name for d in dossiers for stored in files_of(d)]

    results, errors = run_in_threads(2, lambda _index: retention.archive_expired(now=NOW))

    assert not errors, errors
    assert sum(run.archived for run in results) == 4
    assert all(not run.failed for run in results)
    for dossier in dossiers:
        archived = reload(dossier)
        assert archived.archived_at == NOW and archived.lock_version == dossier.lock_version + 1
        assert all(dossier_storage.is_archived_name(stored.file.name) for stored in files_of(dossier))
    assert not any(path.exists() for path in originals)
