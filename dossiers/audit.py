"""The dossier audit trail as a hash chain: each `DossierEvent` carries the SHA-256 of its own fields and
of the previous event of its dossier (`chain_hash`). A row changed, removed or slipped in afterwards — even
with the database's append-only trigger switched off — breaks the chain from that row on, and
`manage.py verify_audit` names the first broken link.

The chain follows the order of insertion (the primary key): `Change.record` computes the link while the
dossier row is locked, so two changes to one dossier cannot link to the same predecessor. The data
migration that introduced the chain imports `link` from here: never change what it hashes."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# What a link covers: every field of the event but its own id and hash (the previous hash is mixed in).
CHAINED_FIELDS = (
    "dossier_id",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "actor_role",
    "agency_id",
    "from_agency_id",
    "to_agency_id",
    "at",
    "note",
    "timeliness",
    "data",
)
# Fields added after the chain began: hashed only when they hold a value.
CHAINED_WHEN_SET = ("on_behalf_of_id", "on_behalf_of_name")


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def canonical(event: Any) -> bytes:
    """The event's fields as canonical JSON (sorted keys, no spaces, UTF-8): the same bytes on every
    database and every run. `event` is a DossierEvent, or its historical model in a migration."""
    fields = {name: _value(getattr(event, name)) for name in CHAINED_FIELDS}
    # Added later (acting on behalf, ủy quyền): in the link only when set, so older links stay as they were.
    for name in CHAINED_WHEN_SET:
        value = getattr(event, name, None)
        if value:
            fields[name] = _value(value)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(event: Any, previous: str) -> str:
    """The event's chain hash: SHA-256 over the previous event's hash and this event's canonical JSON."""
    return hashlib.sha256(previous.encode() + b"\n" + canonical(event)).hexdigest()


def as_stored(data: dict[str, Any] | None) -> dict[str, Any]:
    """`data` as the JSON column gives it back (tuples become lists, keys become strings), so the hash
    computed before the insert is the one recomputed from the row."""
    stored: dict[str, Any] = json.loads(json.dumps(data or {}))
    return stored


@dataclass(frozen=True)
class BrokenLink:
    dossier_id: int
    event_id: int
    expected: str
    found: str


def first_broken_link(events: Iterable[Any]) -> BrokenLink | None:
    """Walk one dossier's events in insertion order; the first whose stored hash is not the one its
    fields and its predecessor give."""
    previous = ""
    for event in events:
        expected = link(event, previous)
        if event.chain_hash != expected:
            return BrokenLink(event.dossier_id, event.pk, expected, event.chain_hash)
        previous = event.chain_hash
    return None


def chains(events: Iterable[Any]) -> Iterator[list[Any]]:
    """Events ordered by (dossier, pk), grouped into one list per dossier."""
    current: list[Any] = []
    for event in events:
        if current and current[-1].dossier_id != event.dossier_id:
            yield current
            current = []
        current.append(event)
    if current:
        yield current


def broken_chains(*, dossier_codes: Iterable[str] = ()) -> Iterator[BrokenLink]:
    """The first broken link of every dossier whose chain does not hold (only the dossiers named by
    `dossier_codes`, when given), reading the events in batches."""
    from .models import DossierEvent

    events = DossierEvent.objects.order_by("dossier_id", "pk")
    codes = list(dossier_codes)
    if codes:
        events = events.filter(dossier__code__in=codes)
    for chain in chains(events.iterator(chunk_size=2000)):
        broken = first_broken_link(chain)
        if broken is not None:
            yield broken
