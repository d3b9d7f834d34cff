"""Read queries of the catalogue shared by pages, the admin dashboard and the API."""

import bisect
import operator
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from .models import Agency, CatalogueWord, GovernmentLevel, ProcedureVersion, ServiceLevel, VersionStatus
from .text import fold, trigram_similarity, within_one_edit

FUZZY_THRESHOLD = 0.4
FUZZY_CANDIDATES = 5
# Misspelt words looked up per search: a query with more words that start no catalogue word finds nothing.
# Together with the length limit this bounds the work of one search, whatever is typed.
FUZZY_WORDS_MAX = 8
# The longest search text, in characters: the catalogue page's form and the API refuse longer ones.
SEARCH_MAX_LENGTH = 200


def _trigram_neighbours(tokens: list[str], words: list[str]) -> dict[str, dict[str, float]]:
    """Catalogue words at pg_trgm similarity >= FUZZY_THRESHOLD from each token: one SQL query for all the
    tokens on PostgreSQL, the same definition in Python on SQLite."""
    found: dict[str, dict[str, float]] = {token: {} for token in tokens}
    if settings.DATABASE_VENDOR == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        columns = {f"similarity_{index}": token for index, token in enumerate(tokens)}
        rows = (
            CatalogueWord.objects.annotate(
                **{column: TrigramSimilarity("word", token) for column, token in columns.items()}
            )
            .filter(reduce(operator.or_, (Q(**{f"{column}__gte": FUZZY_THRESHOLD}) for column in columns)))
            .values_list("word", *columns)
        )
        for word, *similarities in rows:
            for token, similarity in zip(tokens, similarities, strict=True):
                if similarity >= FUZZY_THRESHOLD:
                    found[token][word] = similarity
        return found
    for token in tokens:
        for word in words:
            similarity = trigram_similarity(token, word)
            if similarity >= FUZZY_THRESHOLD:
                found[token][word] = similarity
    return found


def _similar_words(tokens: list[str], words: list[str]) -> dict[str, list[str]]:
    """Catalogue words close to each mistyped token: pg_trgm similarity, plus one-key slips that trigrams
    miss in short words; the FUZZY_CANDIDATES best per token."""
    similar: dict[str, list[str]] = {}
    for token, candidates in _trigram_neighbours(tokens, words).items():
        if len(token) >= 3:
            for word in words:
                if word not in candidates and within_one_edit(token, word):
                    candidates[word] = trigram_similarity(token, word)
        ranked = sorted(candidates.items(), key=lambda item: (-round(item[1], 6), item[0]))
        similar[token] = [word for word, _ in ranked[:FUZZY_CANDIDATES]]
    return similar


def catalogue_words() -> list[str]:
    """The vocabulary of published entries, cached until the catalogue's word list changes."""
    stamp = CatalogueWord.objects.aggregate(n=Count("pk"), top=Max("pk"))
    key = f"catalogue-words:{stamp['n']}:{stamp['top']}"
    words = cache.get(key)
    if words is None:
        words = list(CatalogueWord.objects.values_list("word", flat=True))
        cache.set(key, words, 3600)
    return words


def _starts_a_word(token: str, sorted_words: list[str]) -> bool:
    position = bisect.bisect_left(sorted_words, token)
    return position < len(sorted_words) and sorted_words[position].startswith(token)


def search_filter(query: str) -> Q | None:
    """Accent-insensitive, typo-tolerant match: every typed word must start a word of the entry, or, when
    no catalogue word starts that way, the entry must contain a word spelled closely to it.

    The number of queries does not grow with the number of words: the vocabulary is read once (cached),
    and the close spellings of every misspelt word come from one query."""
    tokens = list(dict.fromkeys(fold(query).split()))
    if not tokens:
        return None
    words = sorted(catalogue_words())
    unknown = [token for token in tokens if not _starts_a_word(token, words)]
    if len(unknown) > FUZZY_WORDS_MAX:
        return Q(pk__in=[])
    similar = _similar_words(unknown, words) if unknown else {}
    condition = Q()
    for token in tokens:
        token_match = Q(search_text__contains=f" {token}")
        for word in similar.get(token, []):
            token_match |= Q(search_text__contains=f" {word} ")
        condition &= token_match
    return condition


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    field: str = ""
    agency: str = ""
    level: str = ""
    full_process_only: bool = False


def published_procedures(filters: CatalogueFilters) -> QuerySet[ProcedureVersion]:
    versions = ProcedureVersion.objects.published().with_public_relations()
    if filters.field:
        versions = versions.filter(field__code=filters.field)
    if filters.agency:
        versions = versions.filter(agencies__code=filters.agency)
    if filters.level:
        versions = versions.filter(levels__contains=filters.level)
    if filters.full_process_only:
        versions = versions.filter(service_level=ServiceLevel.FULL_PROCESS)
    matched = search_filter(filters.query)
    if matched is not None:
        versions = versions.filter(matched)
    return versions.distinct().order_by("sort_name", "pk")


def published_version_of(national_code: str) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.published()
        .select_related("procedure", "field")
        .prefetch_related("agencies", "fees", "documents")
        .filter(procedure__national_code=national_code)
        .first()
    )


@dataclass(frozen=True)
class FullProcessShare:
    agency: Agency | None
    level: str
    total: int
    full_process: int

    @property
    def level_label(self) -> str:
        return str(dict(GovernmentLevel.choices).get(self.level, self.level))

    @property
    def percent(self) -> float:
        return round(100 * self.full_process / self.total, 1) if self.total else 0.0


def full_process_share_by_agency_and_level() -> list[FullProcessShare]:
    """Decree 42/2022 targets: share of published procedures offered full-process, per agency and level."""
    rows = (
        ProcedureVersion.objects.published()
        .values("agencies", "levels")
        .annotate(
            total=Count("pk", distinct=True),
            full=Count("pk", distinct=True, filter=Q(service_level=ServiceLevel.FULL_PROCESS)),
        )
    )
    agencies = Agency.objects.in_bulk([row["agencies"] for row in rows if row["agencies"]])
    totals: dict[tuple[int | None, str], list[int]] = {}
    for row in rows:
        for level in row["levels"].split(","):
            key = (row["agencies"], level)
            total, full = totals.get(key, [0, 0])
            totals[key] = [total + row["total"], full + row["full"]]
    shares = [
        FullProcessShare(agency=agencies.get(agency_id), level=level, total=total, full_process=full)
        for (agency_id, level), (total, full) in totals.items()
    ]
    return sorted(shares, key=lambda s: (s.level, s.agency.name if s.agency else ""))


def open_version_of(national_code: str) -> ProcedureVersion | None:
    """The version of a procedure that is in draft or in review, if any: there is at most one at a time."""
    return ProcedureVersion.objects.filter(
        procedure__national_code=national_code, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
    ).first()
