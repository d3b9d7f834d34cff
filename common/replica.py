"""Reads that tolerate replication lag go to the PostgreSQL read replica (DATABASE_REPLICA_URL); everything
else — writes, and every read nobody marked — stays on the primary.

A view marks its reads with `@reads_lag_tolerant`, a block of code with `with lag_tolerant():`. Inside, reads
still go to the primary once the code is in a transaction or has written (read-your-writes): a page must
show what its own request just changed, whatever the replica's lag. Without a "replica" database alias the
marks change nothing.
"""

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Read from the primary even where lag is tolerated: a session written by the previous request (sign-in)
# must be found by the next one.
PRIMARY_ONLY_APPS = {"sessions"}

View = TypeVar("View", bound=Callable[..., Any])


@dataclass
class _Scope:
    wrote: bool = False


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("lag_tolerant_scope", default=None)


@contextmanager
def lag_tolerant() -> Iterator[None]:
    """Reads inside may come from the replica (as old as its lag). Nested in another such block, it shares
    that block's record of writes."""
    token = _scope.set(_scope.get() or _Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def reads_lag_tolerant(view: View) -> View:
    """The view's reads may come from the replica. Put it below the access decorators (staff_only…), so
    that who the user is and what they may do is read from the primary."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with lag_tolerant():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """DATABASE_ROUTERS: the replica for lag-tolerant reads, the primary for everything else."""

    def db_for_read(self, model, **hints) -> str:
        scope = _scope.get()
        if (
            scope is not None
            and not scope.wrote
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_configured()
        ):
            return REPLICA
        # Named, not None: Django would otherwise follow the `instance` hint, and a related object of a row
        # read on the replica would be read there too, also inside a transaction.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # the same rows: the replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
