"""Retention of closed dossiers (issue 17, part 3): a dossier closed longer ago than its procedure's retention
period (`Procedure.retention_years`, or settings.DOSSIER_RETENTION_YEARS_DEFAULT when the catalogue leaves it
empty) is archived. The period is a setting the province takes from its archive rules, counted from when the
dossier closed: `returned_at` for a returned result, `decided_at` for a dossier refused, denied, stopped or
withdrawn (base.Change.close sets it then).

Archiving is a state of the record, not of the processing: `archived_at` is set and `state` keeps the outcome,
so the register still lists the dossier with its code and outcome. What happens to each part:

| part of the dossier                                | after archiving                               |
|----------------------------------------------------|-----------------------------------------------|
| code, procedure version, agencies, channel, state  | kept: the register's row, the scorecard       |
| dates (filed, received, due, decided, returned)    | kept: the register, the on-time figures       |
| closed_reason, fees (total, settlement, reference) | kept: the outcome, the accounts               |
| applicant_name                                     | initials: Nguyễn Văn An → N.V.A.              |
| applicant_id_number, _phone, _email, _address      | emptied                                       |
| delivery_address                                   | emptied                                       |
| form_data, steps_saved                             | emptied ({} / []): answers held personal data |
| applicant / filed_by accounts (links)              | kept: the citizen still lists them            |
| files used by no other dossier not archived        | moved to STORAGES["archive"], sha256 checked  |
| files another dossier not archived still uses      | left in place (moved with the last one)       |
| signed e-results (e_results), data-store rows      | kept; downloads read the archive storage      |
| audit events (DossierEvent), supplement requests   | untouched: the trail is append-only and       |
|                                                    | hash-chained; its notes cannot be rewritten   |
| notifications sent (their addresses)               | kept by the notifications app; hidden on      |
|                                                    | the staff page of an archived dossier         |

No audit event is written: archiving is no transition, and `archived_at` is the record of it.

Files move copy-first, so no crash loses one: the content is copied to the archive storage and read back
(its sha256 must equal StoredFile.sha256), the row is renamed to the copy (`archive/<name>`, see
dossiers.storage) in the dossier's transaction, and the original is deleted only after that commits. A crash
before the commit leaves the row on the original (a later run copies again, over the same name); a crash
after it leaves an original no row names, which the next run deletes (`finish_recent_archives`).

One transaction per dossier; a dossier is claimed with SELECT … FOR UPDATE SKIP LOCKED and `archived_at IS
NULL`, so two workers never archive the same one and a second run finds nothing to do."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from common import clock
from procedures.models import Procedure

from ..models import CLOSED_STATES, Dossier, DossierDocument, State, StoredFile
from ..storage import archive_storage, archived_name, is_archived_name

logger = logging.getLogger(__name__)

# Closed at `decided_at`: every closing state but the returned result (closed at `returned_at`).
CLOSED_AT_DECISION = [state for state in CLOSED_STATES if state != State.RETURNED]
# How far back a run looks for archives whose originals were left behind by a crash after the commit.
FINISH_WINDOW = datetime.timedelta(days=3)


class ArchiveError(Exception):
    """A file could not be copied to the archive intact: the dossier stays as it was."""


@dataclass
class ArchiveRun:
    archived: int = 0
    failed: list[int] = field(default_factory=list)


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same local day and time `years` earlier (29 February → 28 February)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - years)
    except ValueError:
        return local.replace(year=local.year - years, day=28)


def closed_at(dossier: Dossier) -> datetime.datetime | None:
    """When the dossier closed; None while it is open."""
    if dossier.state == State.RETURNED:
        return dossier.returned_at
    if dossier.state in CLOSED_AT_DECISION:
        return dossier.decided_at
    return None


def retention_ends_at(dossier: Dossier) -> datetime.datetime | None:
    """When the dossier's retention period is over (archived from then on); None while it is open."""
    closed = closed_at(dossier)
    if closed is None:
        return None
    years = dossier.procedure_version.procedure.retention_years_in_force
    local = timezone.localtime(closed)
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def _closed_by(cutoff: datetime.datetime) -> Q:
    return Q(state=State.RETURNED, returned_at__lte=cutoff) | Q(
        state__in=CLOSED_AT_DECISION, decided_at__lte=cutoff
    )


def expired_dossiers(now: datetime.datetime | None = None) -> QuerySet[Dossier]:
    """Closed dossiers past their procedure's retention period and not archived yet, oldest id first. One
    condition per distinct period in the catalogue (a handful), so the query stays one statement."""
    now = now or clock.now()
    default = settings.DOSSIER_RETENTION_YEARS_DEFAULT
    condition = Q(pk__in=[])
    periods = set(Procedure.objects.values_list("retention_years", flat=True).distinct())
    for years in periods:
        if years is None:
            of_procedure = Q(procedure_version__procedure__retention_years__isnull=True)
        else:
            of_procedure = Q(procedure_version__procedure__retention_years=years)
        condition |= of_procedure & _closed_by(years_before(now, years or default))
    return Dossier.objects.filter(condition, archived_at__isnull=True, state__in=CLOSED_STATES).order_by("pk")


def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N.V.A.": enough to match the paper archive, not enough to identify a person."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha())


def _sha256(handle: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in handle:
        digest.update(chunk)
    return digest.hexdigest()


def _archive_copy_matches(inner: str, sha256: str) -> bool:
    archive = archive_storage()
    if not archive.exists(inner):
        return False
    with archive.open(inner, "rb") as copy:
        return _sha256(copy.chunks()) == sha256


def _copy_to_archive(stored: StoredFile) -> str:
    """Copy the file into the archive storage under its own name and verify it; returns the new field name.
    A copy left by an earlier, interrupted run is reused when it matches, replaced when it does not."""
    inner = stored.file.name
    if not _archive_copy_matches(inner, stored.sha256):
        archive = archive_storage()
        if archive.exists(inner):
            archive.delete(inner)
        with storages["default"].open(inner, "rb") as original:
            saved = archive.save(inner, original)
        if saved != inner:
            raise ArchiveError(f"The archive storage saved {inner} as {saved}.")
        if not _archive_copy_matches(inner, stored.sha256):
            raise ArchiveError(f"The archive copy of stored file {stored.pk} does not match its checksum.")
    return archived_name(inner)


def _files_to_move(dossier: Dossier) -> list[StoredFile]:
    """The dossier's files not yet archived that no other dossier still in use refers to."""
    shared_with_live = DossierDocument.objects.filter(dossier__archived_at__isnull=True).exclude(
        dossier=dossier
    )
    files = (
        StoredFile.objects.filter(uses__dossier=dossier)
        .exclude(pk__in=shared_with_live.values("stored_file_id"))
        .distinct()
        .order_by("pk")
    )
    return [stored for stored in files if not is_archived_name(stored.file.name)]


def _delete_originals(names: list[str]) -> None:
    """After the commit: the originals no row refers to any more. A failure leaves them for the next run."""
    default = storages["default"]
    for name in names:
        try:
            default.delete(name)
        except Exception:
            logger.exception(
                "Archived file %s: the original could not be deleted; the next run retries.", name
            )


def archive_dossier(*, dossier_id: int, now: datetime.datetime | None = None) -> bool:
    """Archive one dossier past its retention period: minimise its personal data and move its files (see the
    module's table). True if this call archived it; False if it is not due, already archived, or another
    worker holds it. Raises ArchiveError (nothing changed) when a file cannot be copied intact."""
    now = now or clock.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("procedure_version__procedure")
            .filter(pk=dossier_id, archived_at__isnull=True)
            .first()
        )
        if dossier is None:
            return False
        ends = retention_ends_at(dossier)
        if ends is None or ends > now:
            return False
        originals: list[str] = []
        for stored in _files_to_move(dossier):
            try:
                new_name = _copy_to_archive(stored)
            except FileNotFoundError:
                logger.warning(
                    "Archiving dossier %s: stored file %s has no content to move.", dossier.pk, stored.pk
                )
                continue
            originals.append(stored.file.name)
            # update(): only the name changes, whatever a concurrent reuse does to the row's other columns.
            StoredFile.objects.filter(pk=stored.pk).update(file=new_name)
        dossier.applicant_name = initials(dossier.applicant_name)
        dossier.applicant_id_number = ""
        dossier.applicant_phone = ""
        dossier.applicant_email = ""
        dossier.applicant_address = ""
        dossier.delivery_address = ""
        dossier.form_data = {}
        dossier.steps_saved = []
        dossier.archived_at = now
        dossier.lock_version += 1
        dossier.save(
            update_fields=[
                "applicant_name",
                "applicant_id_number",
                "applicant_phone",
                "applicant_email",
                "applicant_address",
                "delivery_address",
                "form_data",
                "steps_saved",
                "archived_at",
                "lock_version",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: _delete_originals(originals))
    return True


def finish_recent_archives(now: datetime.datetime | None = None) -> int:
    """Delete the originals that a crash after an archive's commit left behind (dossiers archived in the last
    few days); returns how many were deleted. Only originals whose archive copy is verified are deleted."""
    now = now or clock.now()
    default = storages["default"]
    left: list[str] = []
    files = StoredFile.objects.filter(
        uses__dossier__archived_at__gte=now - FINISH_WINDOW, file__startswith=archived_name("")
    ).distinct()
    for stored in files:
        inner = stored.file.name.removeprefix(archived_name(""))
        if default.exists(inner) and _archive_copy_matches(inner, stored.sha256):
            left.append(inner)
    _delete_originals(left)
    return len(left)


def archive_expired(*, limit: int | None = None, now: datetime.datetime | None = None) -> ArchiveRun:
    """Archive the dossiers past their retention period, each in its own transaction, read in batches of
    settings.DOSSIER_ARCHIVE_BATCH_SIZE, at most `limit` (default settings.DOSSIER_ARCHIVE_MAX_PER_RUN). A
    dossier whose files cannot be archived is logged and skipped; the others go on."""
    now = now or clock.now()
    limit = settings.DOSSIER_ARCHIVE_MAX_PER_RUN if limit is None else limit
    batch_size = settings.DOSSIER_ARCHIVE_BATCH_SIZE
    run = ArchiveRun()
    finish_recent_archives(now)
    after = 0
    while run.archived + len(run.failed) < limit:
        batch = list(
            expired_dossiers(now)
            .filter(pk__gt=after)
            .values_list("pk", flat=True)[: min(batch_size, limit - run.archived - len(run.failed))]
        )
        if not batch:
            break
        for dossier_id in batch:
            try:
                if archive_dossier(dossier_id=dossier_id, now=now):
                    run.archived += 1
            except (ArchiveError, OSError):
                logger.exception("Dossier %s could not be archived; it stays as it was.", dossier_id)
                run.failed.append(dossier_id)
        after = batch[-1]
    return run
