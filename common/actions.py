"""A staff action that is nothing but its service: call it on the dossier as the acting user with fields of
the action's form, and say it is done. The views of dossiers and payments describe most of their buttons
this way instead of one small function each."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceAction:
    """`service(dossier=…, expected_version=…, <actor>=user, <each field>=data[field])`, then `done`."""

    service: Callable[..., Any]
    actor: str  # the service's keyword for the person acting: "clerk", "officer", "by"
    fields: tuple[str, ...]
    done: str  # the success message (lazy: translated when shown)

    def __call__(self, user: Any, dossier: Any, data: dict[str, Any], version: int) -> str:
        self.service(
            dossier=dossier,
            expected_version=version,
            **{self.actor: user},
            **{field: data[field] for field in self.fields},
        )
        return str(self.done)
