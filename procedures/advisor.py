"""The catalogue advisor (Decree 42/2022 art. 11): for an agency, or the whole province, the share of its
published procedures offered full-process against settings.FULL_PROCESS_TARGETS, and the partial ones whose
only in-person step could go online, the busiest first.

The catalogue knows no dossiers (procedures sits below dossiers): the caller passes the number of dossiers
per procedure (dossiers.selectors.dossiers_per_procedure, one aggregate query) to `rank_candidates`.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Agency, PartialReason, ProcedureVersion, RequiredDocument, ServiceLevel
from .selectors import TargetCheck, share_percent, target_checks

# How far back the dossiers that rank the candidates are counted.
ADVISOR_PERIOD_DAYS = 365
ADVISOR_MAX_CANDIDATES = 100

ORIGINAL_KINDS = [RequiredDocument.CopyKind.ORIGINAL, RequiredDocument.CopyKind.ORIGINAL_OR_COPY]


def could_go_full_process() -> Q:
    """The rule, on published entries: a partial online service whose only reason to bring the applicant
    to the desk is that originals must be shown or handed in (PartialReason.ORIGINALS).

    Such a check can go online: an electronic copy certified from the original, or the document taken
    from the citizen's data store or a national database, is worth the paper one (Decree 45/2020 on
    electronic procedures), and an original to hand in (a certificate to be replaced) can travel by public
    post. The rest keeps a procedure partial: the applicant's presence (signing before the officer, a
    photograph, an assessment), an inspection on site, or another reason set by law. Fees paid at the desk
    and a result returned only at the desk are not reasons: the portal takes online payment for every
    procedure, and the catalogue entry can add return by post or electronically (see `changes_needed`)."""
    return Q(
        status="published",
        service_level=ServiceLevel.PARTIAL,
        partial_reason=PartialReason.ORIGINALS,
    )


@dataclass(frozen=True)
class AgencyShare:
    total: int
    full_process: int
    targets: tuple[TargetCheck, ...]

    @property
    def percent(self):
        return share_percent(self.full_process, self.total)


def agency_share(agency: Agency, targets: dict[int, int] | None = None) -> AgencyShare:
    """The agency's published entries and how many are full-process: one aggregate query."""
    targets = settings.FULL_PROCESS_TARGETS if targets is None else targets
    counts = (
        ProcedureVersion.objects.published()
        .filter(agencies=agency)
        .aggregate(
            total=Count("pk", distinct=True),
            full=Count("pk", distinct=True, filter=Q(service_level=ServiceLevel.FULL_PROCESS)),
        )
    )
    return AgencyShare(
        total=counts["total"],
        full_process=counts["full"],
        targets=target_checks(counts["full"], counts["total"], targets),
    )


def candidate_versions(agency: Agency | None = None) -> QuerySet[ProcedureVersion]:
    """The published entries `could_go_full_process` picks, of one agency or of the province, with their
    documents to be shown as originals (two queries when read)."""
    versions = ProcedureVersion.objects.filter(could_go_full_process())
    if agency is not None:
        versions = versions.filter(agencies=agency)
    return (
        versions.select_related("procedure", "field")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=RequiredDocument.objects.filter(copy_kind__in=ORIGINAL_KINDS, reusable=False),
                to_attr="originals",
            )
        )
        .defer("search_text", "legal_basis", "applicant_requirements")
        .distinct()
        .order_by("sort_name", "pk")
    )


def changes_needed(version: ProcedureVersion) -> list[str]:
    """What the catalogue entry would change to become full-process, in the editor's words."""
    changes = []
    originals = getattr(version, "originals", None)
    if originals is None:
        originals = list(version.documents.filter(copy_kind__in=ORIGINAL_KINDS, reusable=False))
    if originals:
        changes.append(
            str(
                _(
                    "Accept an electronic copy certified from the original, or take it from the data "
                    "store: %(documents)s."
                )
            )
            % {"documents": "; ".join(document.name for document in originals)}
        )
    changes.append(str(_("Mark it full-process, without the check of originals at the desk.")))
    if not (version.return_electronic or version.return_by_post):
        changes.append(str(_("Return the result electronically or by public post.")))
    return changes


@dataclass(frozen=True)
class Candidate:
    version: ProcedureVersion
    dossiers: int  # filed in the last ADVISOR_PERIOD_DAYS days
    changes: list[str]


def rank_candidates(
    versions: list[ProcedureVersion], dossiers_per_procedure: Mapping[int, int]
) -> list[Candidate]:
    """The candidates, the most dossiers first (where going online saves the most trips), then by name."""

    def counted(version: ProcedureVersion) -> int:
        return dossiers_per_procedure.get(version.procedure_id, 0)

    ranked = sorted(versions, key=lambda v: (-counted(v), v.sort_name, v.pk))
    return [
        Candidate(version=v, dossiers=counted(v), changes=changes_needed(v))
        for v in ranked[:ADVISOR_MAX_CANDIDATES]
    ]


def period_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=ADVISOR_PERIOD_DAYS)


def current_target(targets: tuple[TargetCheck, ...], year: int) -> TargetCheck | None:
    """The target in force in `year`: the latest one set for that year or before (the 2025 target still
    holds in 2026); before the first one's year, the first one."""
    ordered = sorted(targets, key=lambda check: check.year)
    in_force = [check for check in ordered if check.year <= year]
    return in_force[-1] if in_force else (ordered[0] if ordered else None)


def procedures_to_target(full_process: int, total: int, target: int) -> int:
    """How many more published procedures must become full-process for the share to reach `target` %."""
    needed = -(-target * total // 100)  # the ceiling, in integers
    return max(0, needed - full_process)
