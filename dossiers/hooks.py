"""The contract other apps hang from: what happened to a dossier, told after it happened.

Every dossier service that changes a dossier saves the row, writes its one audit row (`DossierEvent`) and
then calls `dispatch()` — still inside the service's transaction, with the dossier row locked. A handler
registered with `@on_dossier_change` gets a `DossierChange` and may write rows of its own app in that same
transaction (an outbox row, a refund, a delivery order), so they commit or roll back with the change. A
handler that raises rolls the whole change back: raise only for a rule the change must not pass.

Rules for handlers:
- react, never decide: the dossier's state is already final when they run; call dossier services only
  from your own use cases, never from a handler (the dossier is mid-service);
- lock your own rows after the dossier (the dossier is locked first everywhere: see README, "Lock order");
- effects outside the database (HTTP calls, tasks) go through `transaction.on_commit`.

Handlers register in their app's `AppConfig.ready()` (e.g. `payments/dossier_hooks.py`), so dossiers never
imports the apps that react to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Dossier, DossierEvent


@dataclass(frozen=True)
class DossierChange:
    """One audited change: the dossier as saved, and the audit row that records it."""

    dossier: Dossier
    event: DossierEvent

    @property
    def action(self) -> str:
        return self.event.action

    @property
    def from_state(self) -> str:
        return self.event.from_state

    @property
    def to_state(self) -> str:
        return self.event.to_state

    @property
    def actor(self) -> User | None:
        return self.event.actor

    def entered(self, state: str) -> bool:
        """The change moved the dossier into `state` (from another state)."""
        return self.to_state == state and self.from_state != state


Handler = Callable[[DossierChange], None]

_handlers: dict[str, Handler] = {}


def on_dossier_change(handler: Handler) -> Handler:
    """Register `handler` for every dossier change; registering the same function again replaces it."""
    _handlers[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def handlers() -> list[Handler]:
    return list(_handlers.values())


def dispatch(change: DossierChange) -> None:
    """Called by the dossier services only, after the dossier and its event are saved."""
    for handler in list(_handlers.values()):
        handler(change)
