"""Append-only audit rows: written once, never changed or deleted.

Two guards. In the database: a PostgreSQL trigger (django-pgtrigger, `APPEND_ONLY` in the model's
`Meta.triggers`) refuses every UPDATE and DELETE on the table, whatever the client — the ORM, a script,
psql. In the ORM: `AppendOnlyModel` refuses `save()` on a saved row, `delete()`, and `update()` /
`delete()` on its querysets, so SQLite (where there are no triggers) behaves the same for code that goes
through the models. Foreign keys from an audit row use PROTECT: the row outlives nothing it refers to."""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.db import models

# The trigger every audit table carries. One instance may serve every model: pgtrigger names the
# installed trigger after the table.
APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class AppendOnlyError(Exception):
    """An audit row was about to be changed or deleted."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(f"{model._meta.label} rows are append-only: they cannot be changed or deleted.")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.model)


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AppendOnlyModel(models.Model):
    """Base of the audit tables (dossier events, gateway notifications, refund tries, delivery attempts,
    parcel events). Add `triggers = [APPEND_ONLY]` to the subclass's Meta for the database guard."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(type(self))
        if kwargs.get("update_fields") is not None or kwargs.get("force_update"):
            raise AppendOnlyError(type(self))
        kwargs["force_insert"] = True  # never Django's UPDATE-then-INSERT on a row with a primary key
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(type(self))
