"""The panel registry: how other apps add to the dossier pages and the staff queue without a dossier
template loading their tags. dossiers asks "which panels exist for this dossier and this viewer"; payments
and postal register theirs in `AppConfig.ready()`.

A page has named places (`PLACES`). A panel is a template and a function giving its context for a dossier
and a request, or None when the panel has nothing to show there. The queue takes extra columns (a header and
a cell template) and flags (a label shown beside the state, decided for a whole page in one query).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.template import Context

    from .models import Dossier

PLACES = frozenset(
    {
        # The one thing the applicant has to do next (pay, …), at the top of their dossier page: only the
        # first panel (by order) with something to show is rendered, under the dossier's own sentence.
        "citizen.next_action",
        "citizen.facts",  # a <dt>/<dd> pair in the status card of the applicant's dossier page
        "citizen.after_status",  # a card after the status card
        "citizen.after_result",  # a card after the result documents
        "staff.facts",  # a <dt>/<dd> pair in the status card of the staff dossier page
        "staff.after_status",  # a card after the status card
    }
)

PanelContext = Callable[["Dossier", "HttpRequest | None"], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    name: str
    place: str
    template: str
    context: PanelContext
    order: int = 100


@dataclass(frozen=True)
class QueueColumn:
    name: str
    header: str
    template: str  # rendered with `dossier` in the context
    order: int = 100


@dataclass(frozen=True)
class QueueFlag:
    name: str
    label: str
    css_class: str
    flagged: Callable[[Sequence[Dossier]], set[int]]  # the ids among a page of dossiers, in one query


_panels: dict[str, Panel] = {}
_columns: dict[str, QueueColumn] = {}
_flags: dict[str, QueueFlag] = {}


def register_panel(
    *, name: str, place: str, template: str, order: int = 100
) -> Callable[[PanelContext], PanelContext]:
    """Decorate the function that gives the panel's context (None: nothing to show for this dossier)."""
    if place not in PLACES:
        raise ValueError(f"Unknown panel place {place!r}; one of {sorted(PLACES)}")

    def decorator(context: PanelContext) -> PanelContext:
        _panels[name] = Panel(name=name, place=place, template=template, context=context, order=order)
        return context

    return decorator


def register_queue_column(column: QueueColumn) -> None:
    _columns[column.name] = column


def register_queue_flag(flag: QueueFlag) -> None:
    _flags[flag.name] = flag


def panels_at(place: str) -> list[Panel]:
    return sorted((p for p in _panels.values() if p.place == place), key=lambda p: (p.order, p.name))


def render_panels(
    dossier: Dossier, place: str, request: HttpRequest | None, page: Context | None = None
) -> SafeString:
    """The HTML of every panel registered at `place` that has something to show for this dossier. `page`:
    the context of the page the panels are part of, rendered in as `{% include %}` does (its context
    processors ran once, for the page, not again for each panel)."""
    parts = []
    for panel in panels_at(place):
        context = panel.context(dossier, request)
        if context is None:
            continue
        values = {"dossier": dossier, **context}
        if page is not None and page.template is not None:
            with page.push(values):
                parts.append(page.template.engine.get_template(panel.template).render(page))
        else:
            parts.append(render_to_string(panel.template, values, request=request))
    return mark_safe("".join(parts))


def render_first_panel(dossier: Dossier, place: str, request: HttpRequest | None) -> SafeString:
    """The HTML of the first panel registered at `place` that has something to show (one next action)."""
    for panel in panels_at(place):
        context = panel.context(dossier, request)
        if context is not None:
            return mark_safe(
                render_to_string(panel.template, {"dossier": dossier, **context}, request=request)
            )
    return mark_safe("")


def queue_columns() -> list[QueueColumn]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.name))


def queue_flags(dossiers: Iterable[Dossier]) -> dict[int, list[QueueFlag]]:
    """Per dossier id, the flags to show beside its state; one query per registered flag for the page."""
    page = list(dossiers)
    by_dossier: dict[int, list[QueueFlag]] = {}
    for flag in sorted(_flags.values(), key=lambda f: f.name):
        for pk in flag.flagged(page):
            by_dossier.setdefault(pk, []).append(flag)
    return by_dossier
