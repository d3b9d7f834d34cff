"""Where a parcel goes, in today's units: the province and the commune after the 1 July 2025 reform (no
districts), which the postal operator needs as codes.

The wizard asks for the delivery address as one line ("house number, street, commune, province"). When it
is the applicant's profile address, the profile's units are used; otherwise the line is read from the end:
a part naming a province and a part naming a commune of it (with or without "Phường"/"Xã"/"Tỉnh", with or
without diacritics). A unit abolished in 2025 resolves to the one that replaced it. When no commune can be
told, the order is held for the desk to check: nothing is sent to a wrong address.
"""

from dataclasses import dataclass

from procedures.models import AdministrativeUnit, GovernmentLevel
from procedures.text import fold

from .models import AddressProblem

UNIT_PREFIXES = ("thanh pho", "tinh", "phuong", "xa", "thi tran", "dac khu", "tp")


@dataclass(frozen=True)
class ResolvedAddress:
    street_address: str
    commune: AdministrativeUnit | None
    province: AdministrativeUnit | None
    as_written: str
    problem: str = ""  # an AddressProblem when no commune could be told


def _bare(name: str) -> str:
    folded = fold(name)
    for prefix in UNIT_PREFIXES:
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :]
    return folded


def province_of(commune: AdministrativeUnit | None) -> AdministrativeUnit | None:
    unit = commune.parent if commune is not None else None
    while unit is not None and unit.level != GovernmentLevel.PROVINCE:
        unit = unit.parent
    return unit.current() if unit is not None else None


def _profile_address(dossier, text: str) -> ResolvedAddress | None:
    profile = getattr(dossier.applicant, "profile", None) if dossier.applicant_id else None
    if profile is None or profile.commune_id is None:
        return None
    if text and fold(text) != fold(profile.address):
        return None
    commune = profile.commune.current()
    province = (profile.province.current() if profile.province_id else None) or province_of(commune)
    return ResolvedAddress(profile.street_address, commune, province, text or profile.address)


class UnitNames:
    """Units looked up by name, folded and without their "Phường"/"Xã"/"Tỉnh" prefix: each name is folded
    once per address, not once per part of it (thousands of communes nationwide)."""

    def __init__(self, units: list[AdministrativeUnit]):
        self.by_folded: dict[str, list[AdministrativeUnit]] = {}
        self.by_bare: dict[str, list[AdministrativeUnit]] = {}
        for unit in units:
            self.by_folded.setdefault(fold(unit.name), []).append(unit)
            self.by_bare.setdefault(_bare(unit.name), []).append(unit)


def _matches(part: str, names: UnitNames) -> list[AdministrativeUnit]:
    found = names.by_folded.get(fold(part), []) + names.by_bare.get(_bare(part), [])
    return list({unit.pk: unit for unit in found}.values())


def _find_commune(parts, upto, province, communes):
    """The last of parts[:upto] naming a commune (of `province`, when known): (commune, index, problem)."""
    for index in range(upto - 1, -1, -1):
        candidates = {unit.current().pk: unit.current() for unit in _matches(parts[index], communes)}
        if province is not None:
            candidates = {pk: unit for pk, unit in candidates.items() if province_of(unit) == province}
        if len(candidates) == 1:
            return next(iter(candidates.values())), index, ""
        if len(candidates) > 1:
            return None, index, AddressProblem.AMBIGUOUS_COMMUNE
    return None, upto, AddressProblem.UNKNOWN_COMMUNE


def parse(text: str) -> ResolvedAddress:
    """Read "street, commune, province" (the province may be left out when the commune name is unique;
    a last part that names both a province and a commune is tried both ways)."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return ResolvedAddress("", None, None, text, AddressProblem.MISSING)
    units = list(
        AdministrativeUnit.objects.filter(level__in=[GovernmentLevel.PROVINCE, GovernmentLevel.COMMUNE])
        .select_related("parent", "successor")
        .only("pk", "name", "level", "code", "is_legacy", "parent", "successor")
    )
    provinces = UnitNames([u for u in units if u.level == GovernmentLevel.PROVINCE])
    communes = UnitNames([u for u in units if u.level == GovernmentLevel.COMMUNE])
    attempts = []
    found = _matches(parts[-1], provinces)
    if found:
        attempts.append((found[0].current(), len(parts) - 1))
    attempts.append((None, len(parts)))
    first = None
    for province, upto in attempts:
        commune, index, problem = _find_commune(parts, upto, province, communes)
        if commune is not None:
            street = ", ".join(parts[:index])
            return ResolvedAddress(street, commune, province or province_of(commune), text)
        first = first or ResolvedAddress(", ".join(parts[:index]), None, province, text, problem)
    return first


def resolve(dossier) -> ResolvedAddress:
    """The delivery address of a dossier whose result goes by post."""
    text = (dossier.delivery_address or dossier.applicant_address or "").strip()
    return _profile_address(dossier, text) or parse(text)
