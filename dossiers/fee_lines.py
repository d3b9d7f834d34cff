"""What a dossier owes, line by line: the catalogue's fees of its procedure version, with the online-filing
discount, and the lines that follow an answer of the application form (e.g. "from the 3rd copy on, per
copy": none for 1 or 2 copies). The same rule gives `Dossier.fee_total` when filing, the review page and the
payments' "what is due and why"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from procedures.models import ProcedureFee


@dataclass(frozen=True)
class FeeLine:
    fee: ProcedureFee
    units: int  # how many times the line is charged (0: not charged for this answer)
    unit_amount: int  # one unit, after the online discount when filed online

    @property
    def description(self) -> str:
        return self.fee.description

    @property
    def due(self) -> int:
        return self.units * self.unit_amount


@dataclass(frozen=True)
class FeeQuestion:
    """An answer the application form asks because a fee line counts it (e.g. how many copies)."""

    field: str
    label: str


def answer_of(form_data: Mapping[str, Any] | None, field: str) -> int | None:
    """The whole number the applicant gave for `field`, or None when not (or not validly) answered."""
    value = (form_data or {}).get(field) if isinstance(form_data, Mapping) else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def questions(fees: Iterable[ProcedureFee]) -> list[FeeQuestion]:
    """The counted answers the fees of a version depend on, once each, in the fees' order."""
    seen: dict[str, FeeQuestion] = {}
    for fee in fees:
        if fee.quantity_field and fee.quantity_field not in seen:
            seen[fee.quantity_field] = FeeQuestion(field=fee.quantity_field, label=fee.quantity_label)
    return list(seen.values())


def lines(
    fees: Iterable[ProcedureFee], *, online: bool, form_data: Mapping[str, Any] | None
) -> list[FeeLine]:
    """Every fee line with what it costs for these answers; a counted line whose answer is missing is
    charged for no unit (filing asks for the answer first: `services.problems_before_submit`)."""
    result = []
    for fee in fees:
        answer = answer_of(form_data, fee.quantity_field) if fee.quantity_field else None
        units = fee.units_charged(answer or 0)
        result.append(FeeLine(fee=fee, units=units, unit_amount=fee.online_amount if online else fee.amount))
    return result


def total(fee_lines: Iterable[FeeLine]) -> int:
    return sum(line.due for line in fee_lines)
