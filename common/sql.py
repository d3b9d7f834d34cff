"""Pieces of the few statements the portal writes out instead of having the ORM build them per request."""

from django.db import connections
from django.db.models import Model


def named_columns(model: type[Model], alias: str, table: str = "") -> str:
    """The model's columns by name, for a written-out SELECT of whole rows, each prefixed by `table` when
    given. Not "*": a column added by a migration while the web processes run would change the result of
    "*", and PostgreSQL refuses to run a prepared statement whose result changed ("cached plan must not
    change result type")."""
    quote = connections[alias].ops.quote_name
    prefix = f"{table}." if table else ""
    return ", ".join(f"{prefix}{quote(field.column)}" for field in model._meta.concrete_fields)
