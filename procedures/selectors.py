"""Read queries of the catalogue shared by pages, the admin dashboard and the API."""

import bisect
import operator
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from common.kept import new_versions, versions
from common.prepared import PreparedRead

from .models import (
    Agency,
    CatalogueWord,
    GovernmentLevel,
    ProcedureFee,
    ProcedureVersion,
    RequiredDocument,
    ServiceLevel,
    VersionStatus,
)
from .text import fold, spelling_variants, split_glued, trigram_similarity, within_one_edit

FUZZY_THRESHOLD = 0.4
FUZZY_CANDIDATES = 5
# Misspelt words looked up per search: a query with more words that start no catalogue word finds nothing.
# Together with the length limit this bounds the work of one search, whatever is typed.
FUZZY_WORDS_MAX = 8
# The longest search text, in characters: the catalogue page's form and the API refuse longer ones.
SEARCH_MAX_LENGTH = 200
# The longest typed word that is tried as words glued together (eight syllables or so).
GLUED_MAX_LENGTH = 40


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


def _any_word(column: str, words: tuple[str, ...]) -> Q:
    return reduce(operator.or_, (Q(**{f"{column}__contains": f" {word} "}) for word in words))


@dataclass(frozen=True)
class SearchTerm:
    """One searched word and what it matches: itself at the start of a word of the entry, or a whole word
    that is another spelling of the same sound (`soundalikes`: 'se' → 'xe', 'ki' → 'ky'), or a catalogue
    word spelled closely to it (`close`: a typo)."""

    typed: str
    soundalikes: tuple[str, ...] = ()
    close: tuple[str, ...] = ()

    def condition(self) -> Q:
        condition = Q(search_text__contains=f" {self.typed}")
        for word in (*self.soundalikes, *self.close):
            condition |= Q(search_text__contains=f" {word} ")
        return condition

    def rank(self) -> Case:
        """How well an entry matches this word: in its title before elsewhere (field, result, code), and
        as typed (whole word, then word start) before another spelling, before a typo."""
        tiers: list[tuple[Q, int]] = [
            (Q(search_title__contains=f" {self.typed} "), 8),
            (Q(search_title__contains=f" {self.typed}"), 7),
        ]
        if self.soundalikes:
            tiers.append((_any_word("search_title", self.soundalikes), 6))
        if self.close:
            tiers.append((_any_word("search_title", self.close), 5))
        tiers += [
            (Q(search_text__contains=f" {self.typed} "), 4),
            (Q(search_text__contains=f" {self.typed}"), 3),
        ]
        if self.soundalikes:
            tiers.append((_any_word("search_text", self.soundalikes), 2))
        return Case(
            *(When(condition, then=Value(points)) for condition, points in tiers),
            default=Value(1),
            output_field=IntegerField(),
        )


def search_terms(query: str) -> list[SearchTerm] | None:
    """The words of a search, read against the catalogue's vocabulary; None for an empty search, [] for
    one that can match nothing. A word that is not a catalogue word is also looked for as the catalogue
    words that sound the same ('lai se' → 'lai xe', 'đăng kí' → 'đăng ký'); a word that starts no catalogue
    word and sounds like none is split into the words it glues together ('giayphep' → 'giay phep'), else
    matched to the words spelled closely to it.

    The number of queries does not grow with the number of words: the vocabulary is read once (cached),
    and the close spellings of every misspelt word come from one query."""
    tokens = list(dict.fromkeys(fold(query).split()))
    if not tokens:
        return None
    words = sorted(catalogue_words())
    vocabulary = set(words)

    def soundalikes(token: str) -> tuple[str, ...]:
        if token in vocabulary:
            return ()  # a catalogue word is taken as typed: the vocabulary cannot tell it was meant otherwise
        return tuple(sorted(variant for variant in spelling_variants(token) if variant in vocabulary))

    def is_word(piece: str) -> bool:
        return piece in vocabulary or bool(soundalikes(piece))

    def starts_a_word(piece: str) -> bool:
        return _starts_a_word(piece, words)

    searched: list[str] = []
    for token in tokens:
        pieces = None
        if len(token) <= GLUED_MAX_LENGTH and not starts_a_word(token) and not soundalikes(token):
            pieces = split_glued(token, is_word, starts_a_word)
        searched += pieces or [token]
    searched = list(dict.fromkeys(searched))
    alike = {token: soundalikes(token) for token in searched}
    unknown = [token for token in searched if not starts_a_word(token) and not alike[token]]
    if len(unknown) > FUZZY_WORDS_MAX:
        return []
    similar = _similar_words(unknown, words) if unknown else {}
    return [SearchTerm(token, alike[token], tuple(similar.get(token, []))) for token in searched]


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
    terms = search_terms(filters.query)
    if terms is None:
        return versions.distinct().order_by("sort_name", "pk")
    if not terms:
        return versions.filter(pk__in=[]).distinct().order_by("sort_name", "pk")
    # The best matches first (SearchTerm.rank, summed over the words), then by name: the same order on
    # SQLite and PostgreSQL, in the same single query.
    return (
        versions.filter(reduce(operator.and_, (term.condition() for term in terms)))
        .annotate(search_title=Concat(Value(" "), "sort_name", Value(" ")))
        .annotate(search_rank=reduce(operator.add, (term.rank() for term in terms)))
        .distinct()
        .order_by("-search_rank", "sort_name", "pk")
    )


# What a person types to name a procedure may start with its national code: a suggestion they picked
# ("1.001193 — Đăng ký khai sinh"), or the code copied from the catalogue.
TYPED_NATIONAL_CODE = re.compile(r"^\s*(\d\.\d{6})(?!\d)")
MATCHES_SHOWN = 8


def procedures_matching(text: str, *, limit: int = MATCHES_SHOWN) -> list[ProcedureVersion]:
    """The published procedures someone means by `text`: the one of the national code it starts with (none
    when no published procedure has it), else the one named exactly so (accents and case aside), else the
    catalogue search's `limit` best matches. Read with their procedure (for code_and_name), nothing more."""
    text = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    published = ProcedureVersion.objects.published().select_related("procedure")
    typed_code = TYPED_NATIONAL_CODE.match(text)
    if typed_code:
        return list(published.filter(procedure__national_code=typed_code.group(1))[:1])
    if not text:
        return []
    matches = list(published_procedures(CatalogueFilters(query=text)).prefetch_related(None)[:limit])
    exact = [version for version in matches if fold(version.name) == fold(text)]
    return exact[:1] or matches


CATALOGUE_GENERATION_KEY = "procedures:catalogue-generation"


def catalogue_generation() -> str:
    """Changes whenever the public catalogue does (forget_catalogue_pages, after a publish or an archive
    commits): the public pages kept in the cache are keyed by it."""
    return versions(CATALOGUE_GENERATION_KEY)[0]


def forget_catalogue_pages() -> None:
    new_versions(CATALOGUE_GENERATION_KEY)


def published_version_of(national_code: str) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.published()
        .select_related("procedure", "field")
        .prefetch_related("agencies", "fees", "documents")
        .filter(procedure__national_code=national_code)
        .first()
    )


def share_percent(part: int, whole: int) -> Decimal:
    """part / whole as a percentage rounded half up to one decimal (36 of 57 → 63.2); 0 of nothing is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetCheck:
    year: int
    target: int
    met: bool


@dataclass(frozen=True)
class FullProcessShare:
    agency: Agency | None
    level: str
    total: int
    full_process: int
    targets: tuple[TargetCheck, ...] = ()

    @property
    def level_label(self) -> str:
        return str(dict(GovernmentLevel.choices).get(self.level, self.level))

    @property
    def percent(self) -> Decimal:
        return share_percent(self.full_process, self.total)


def target_checks(full_process: int, total: int, targets: dict[int, int]) -> tuple[TargetCheck, ...]:
    """A target is met when the exact share reaches it: 94.96 % shows as 95.0 % but does not meet 95 %."""
    return tuple(
        TargetCheck(year=year, target=target, met=bool(total) and 100 * full_process >= target * total)
        for year, target in targets.items()
    )


def full_process_share_by_agency_and_level(targets: dict[int, int] | None = None) -> list[FullProcessShare]:
    """Decree 42/2022 targets: share of published procedures offered full-process, per deciding agency at
    the level of government that agency belongs to (a department decides at province level, a commune's
    People's Committee at commune level), so only pairs that exist are listed. An entry without an agency
    counts at each of its levels. Two queries, whatever the size of the catalogue."""
    targets = settings.FULL_PROCESS_TARGETS if targets is None else targets
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
        agency = agencies.get(row["agencies"])
        levels = [agency.government_level] if agency else [lv for lv in row["levels"].split(",") if lv]
        for level in levels:
            key = (agency.pk if agency else None, level)
            total, full = totals.get(key, [0, 0])
            totals[key] = [total + row["total"], full + row["full"]]
    shares = [
        FullProcessShare(
            agency=agencies.get(agency_id) if agency_id else None,
            level=level,
            total=total,
            full_process=full,
            targets=target_checks(full, total, targets),
        )
        for (agency_id, level), (total, full) in totals.items()
    ]
    order = {level: position for position, level in enumerate(GovernmentLevel.values)}
    return sorted(
        shares,
        key=lambda s: (order.get(s.level, len(order)), fold(s.agency.name) if s.agency else "", s.level),
    )


@dataclass(frozen=True)
class FullProcessReport:
    """The whole catalogue's share (each published entry counted once) and the share per agency and level."""

    total: int
    full_process: int
    targets: tuple[TargetCheck, ...]
    shares: list[FullProcessShare]

    @property
    def percent(self) -> Decimal:
        return share_percent(self.full_process, self.total)


def full_process_report(targets: dict[int, int] | None = None) -> FullProcessReport:
    targets = settings.FULL_PROCESS_TARGETS if targets is None else targets
    counts = ProcedureVersion.objects.published().aggregate(
        total=Count("pk"), full=Count("pk", filter=Q(service_level=ServiceLevel.FULL_PROCESS))
    )
    return FullProcessReport(
        total=counts["total"],
        full_process=counts["full"],
        targets=target_checks(counts["full"], counts["total"], targets),
        shares=full_process_share_by_agency_and_level(targets),
    )


def open_version_of(national_code: str) -> ProcedureVersion | None:
    """The version of a procedure that is in draft or in review, if any: there is at most one at a time."""
    return ProcedureVersion.objects.filter(
        procedure__national_code=national_code, status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
    ).first()


VERSION_FEES_READ = PreparedRead(
    "a procedure version's fees",
    lambda version_id: ProcedureFee.objects.filter(version_id=version_id),
    (int,),
)
VERSION_DOCUMENTS_READ = PreparedRead(
    "a procedure version's required documents",
    lambda version_id: RequiredDocument.objects.filter(version_id=version_id),
    (int,),
)


def agencies_in_office() -> QuerySet[Agency]:
    """Every agency that still exists (not merged away: `is_legacy`), by name."""
    return Agency.objects.filter(is_legacy=False).order_by("name")


def _current_agencies(version_id: int) -> QuerySet[Agency]:
    decides = ProcedureVersion.agencies.through.objects.filter(
        procedureversion_id=version_id, agency_id=OuterRef("pk")
    )
    return agencies_in_office().annotate(decides=Exists(decides))


# The transfer form of every received dossier lists a province's agencies (some 130).
CURRENT_AGENCIES_READ = PreparedRead(
    "the current agencies, those deciding a version marked", _current_agencies, (int,)
)


def current_agencies(version: ProcedureVersion) -> list[Agency]:
    """Every agency that still exists, by name, each with `decides`: whether it decides `version` (one of
    version.agencies). One statement compiled once per process."""
    return CURRENT_AGENCIES_READ(version.pk)


def versions_decided_by(agency_id: int) -> QuerySet[ProcedureVersion]:
    """The published versions the agency decides, with their procedure, by national code."""
    return (
        ProcedureVersion.objects.published()
        .filter(agencies=agency_id)
        .select_related("procedure")
        .order_by("procedure__national_code")
    )


# The desk's list of the procedures its agency decides (some 300 for a ward): the columns it shows only.
PUBLISHED_VERSIONS_DECIDED_BY_READ = PreparedRead(
    "the published versions an agency decides, by national code",
    lambda agency_id: versions_decided_by(agency_id).only("name", "procedure", "procedure__national_code"),
    (int,),
)


def published_versions_decided_by(agency: Agency) -> list[ProcedureVersion]:
    """The published versions the agency decides, by national code, with their name and their procedure's
    code only. One statement compiled once per process."""
    return PUBLISHED_VERSIONS_DECIDED_BY_READ(agency.pk)


def fees_of(version: ProcedureVersion) -> list[ProcedureFee]:
    """version.fees.all(), in their order, read by one statement compiled once per process."""
    return VERSION_FEES_READ(version.pk, known={"version": version})


def required_documents_of(version: ProcedureVersion) -> list[RequiredDocument]:
    """version.documents.all(), in their order, read by one statement compiled once per process."""
    return VERSION_DOCUMENTS_READ(version.pk, known={"version": version})
