"""Reads whose SQL the ORM writes once per process instead of once per request.

Building and compiling a queryset costs the ORM about a millisecond for a select_related read of a few
tables, several times what PostgreSQL takes to answer it by primary key; a page of a dossier sends half a
dozen such reads. A `PreparedRead` is a queryset built by a function of a few plain arguments (ids, codes).
The first call builds it with stand-in values, compiles it, and keeps the SQL and where each argument sits
among its parameters; every later call sends that SQL with the real arguments and builds the model
instances as the ORM's own iterable does (select_related objects, annotations, then prefetch_related). It
reads from the database the router gives, for a write when it locks rows (select_for_update), as the ORM
does.

What it takes, checked when it compiles (a read that breaks a rule raises, it never answers wrongly):
- the function's arguments are only `int`, `str` or aware `datetime` values it passes to the ORM as they
  are (`pk=`, `dossier_id=`, `code=`, `locked_until__gt=`), never to Python conditions that would change the
  query's shape, and it reads nothing else that changes (the clock, a row): it is built twice with
  different values, and the two builds must give the same SQL and the same constants;
- every argument shows up among the compiled parameters, unchanged (not inside a LIKE pattern);
- a queryset of model instances (not values()), with no known related objects (not a related manager).
Arguments are checked at every call: None or a bool, which would change the SQL (IS NULL), are refused.
tests/common/test_prepared.py holds each registered read equal to the ORM's fresh compile of the same
function with the same arguments.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Stand-in values: inside every integer column's range (Django answers an out-of-range integer with an empty
# result, a different query) and unlike anything a query holds as a constant.
_INT_STAND_IN = 1_987_650_001
_STR_STAND_IN = "\ue000prepared-read-argument-{}\ue000"
_DATETIME_STAND_IN = datetime.datetime(2091, 3, 7, 1, 2, 3, 456000, tzinfo=datetime.UTC)
ARGUMENT_KINDS = (int, str, datetime.datetime)
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1
# How an argument is sent: as it is, as the backend's subclass of its type (psycopg's Int8 for a bigint),
# or as the backend adapts a datetime (SQLite: text in UTC).
_AS_IT_IS, _ADAPTED_DATETIME = "as it is", "adapted datetime"


def stand_ins(kinds: Sequence[type], variant: int = 0) -> tuple:
    """Values for a first build (`variant` 0) and a second one (1) that must compile to the same query."""
    return tuple(_stand_in(kind, i + 101 * variant) for i, kind in enumerate(kinds))


def _stand_in(kind: type, number: int) -> Any:
    if kind is int:
        return _INT_STAND_IN + number
    if kind is str:
        return _STR_STAND_IN.format(number)
    return _DATETIME_STAND_IN + datetime.timedelta(seconds=number)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # each: ("arg", (position, the type it is sent as)) or ("const", value)
    init_list: list[str]
    fields_start: int
    fields_end: int
    model: type[Model]
    annotation_col_map: dict
    prefetch: tuple
    locks: bool  # select_for_update(): only inside a transaction, as the ORM checks when it compiles
    converters: dict  # the columns' converters from the database's values, as results_iter finds them
    populators: list  # the select_related instances' builders, as ModelIterable makes them


class PreparedRead(Generic[M]):
    registered: list[PreparedRead] = []

    def __init__(self, name: str, build: Callable[..., QuerySet[M]], kinds: Sequence[type]):
        if any(kind not in ARGUMENT_KINDS for kind in kinds):
            raise TypeError(f"{name}: arguments are int, str or datetime, not {kinds}")
        self.name = name
        self.build = build
        self.kinds = tuple(kinds)
        self._compiled: dict[str, _Compiled] = {}
        self._target: tuple[type[Model], bool] | None = None  # the model; whether the read is for a write
        self._lock = threading.Lock()
        PreparedRead.registered.append(self)

    def __repr__(self) -> str:
        return f"<PreparedRead {self.name}>"

    def __call__(
        self, *args: Any, using: str | None = None, known: dict[str, Model] | None = None
    ) -> list[M]:
        """The rows for `args`; `known` sets foreign keys to instances the caller holds (as reading through a
        related manager, `dossier.events`, would: `known={"dossier": dossier}`)."""
        self._check(args)
        if any(type(arg) is int and not _BIGINT_MIN <= arg <= _BIGINT_MAX for arg in args):
            # Beyond any integer column: the ORM answers without asking the database (an empty or a full
            # result, by lookup); a driver would refuse the value.
            return list(self.build(*args).using(using) if using else self.build(*args))
        alias = using or self._alias()
        compiled = self._compiled.get(alias) or self._compile(alias)
        connection = connections[alias]
        params = _params(compiled, args, connection)
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        found = self._instances(compiled, rows, alias)
        for name, instance in (known or {}).items():
            for row in found:
                setattr(row, name, instance)
        if compiled.prefetch and found:
            prefetch_related_objects(found, *compiled.prefetch)
        return found

    def one(self, *args: Any, using: str | None = None) -> M | None:
        """The only row, or None; more than one is a mistake in the read's definition."""
        found = self(*args, using=using)
        if len(found) > 1:
            raise self._model_and_use()[0].MultipleObjectsReturned(
                f"{self.name}: {len(found)} rows for {args}"
            )
        return found[0] if found else None

    def sql_and_params(self, *args: Any, using: str = "default") -> tuple[str, list]:
        """What a call sends: for the tests that hold it equal to the ORM's compile of `build(*args)`."""
        self._check(args)
        compiled = self._compiled.get(using) or self._compile(using)
        return compiled.sql, _params(compiled, args, connections[using])

    def _model_and_use(self) -> tuple[type[Model], bool]:
        if self._target is None:
            queryset = self.build(*stand_ins(self.kinds))
            self._target = (queryset.model, queryset._for_write)
        return self._target

    def _alias(self) -> str:
        """The database the ORM would read from: the router's choice for a write when the read locks rows
        (select_for_update), as QuerySet.db chooses (the replica router then also notes the write)."""
        model, for_write = self._model_and_use()
        return router.db_for_write(model) if for_write else router.db_for_read(model)

    def _check(self, args: tuple) -> None:
        if len(args) != len(self.kinds) or any(
            type(arg) is not kind for arg, kind in zip(args, self.kinds, strict=True)
        ):
            raise TypeError(f"{self.name} takes {[k.__name__ for k in self.kinds]}, not {args!r}")

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            if alias in self._compiled:
                return self._compiled[alias]
            compiled = self._described(alias, variant=0)
            # Built again with other values, it must give the same query: a function that reads the clock, a
            # setting or a row, or that branches on an argument, would otherwise be frozen at its first call.
            again = self._described(alias, variant=1)
            if (again.sql, again.params) != (compiled.sql, compiled.params):
                raise TypeError(f"{self.name}: the query depends on more than where its arguments are sent")
            self._compiled[alias] = compiled
            return compiled

    def _described(self, alias: str, variant: int) -> _Compiled:
        sentinels = stand_ins(self.kinds, variant)
        queryset = self.build(*sentinels)
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:
            raise TypeError(f"{self.name}: a prepared read gives model instances of a plain queryset")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        placed: list[tuple[str, Any]] = []
        for param in params:
            position, sent_as = _stand_in_position(param, sentinels, compiler.connection)
            if position is not None:
                placed.append(("arg", (position, sent_as)))
            elif isinstance(param, str) and any(str(s) in param for s in sentinels):
                raise TypeError(f"{self.name}: an argument is changed before it is sent ({param!r})")
            else:
                placed.append(("const", param))
        missing = set(range(len(sentinels))) - {value[0] for where, value in placed if where == "arg"}
        if missing or any(str(s) in sql for s in sentinels):
            raise TypeError(f"{self.name}: arguments {sorted(missing)} are not sent as parameters")
        select, klass_info = compiler.select, compiler.klass_info
        fields_start, fields_end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        columns = [column[0] for column in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise TypeError(f"{self.name}: a composite primary key is not read this way")
        converters = compiler.get_converters(columns)
        return _Compiled(
            sql=sql,
            params=tuple(placed),
            init_list=[column[0].target.attname for column in select[fields_start:fields_end]],
            fields_start=fields_start,
            fields_end=fields_end,
            model=klass_info["model"],
            annotation_col_map=dict(compiler.annotation_col_map or {}),
            prefetch=tuple(queryset._prefetch_related_lookups),
            locks=queryset.query.select_for_update,
            converters=converters,
            populators=get_related_populators(klass_info, select, alias),
        )

    @staticmethod
    def _instances(compiled: _Compiled, rows: list, alias: str) -> list:
        """The rows as the ORM's ModelIterable turns them into instances (SQLCompiler.results_iter's
        conversion, then ModelIterable's building)."""
        if not rows:
            return []
        if compiled.converters:
            rows = _converted(rows, compiled.converters, connections[alias])
        found = []
        for row in rows:
            instance = compiled.model.from_db(
                alias, compiled.init_list, row[compiled.fields_start : compiled.fields_end]
            )
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotation_col_map.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


class PreparedReads(Generic[M]):
    """Prepared reads of one shape that differ by a key fixed in the code (the related rows read with it),
    one per key, made at its first use."""

    def __init__(
        self,
        name: Callable[[Any], str],
        build: Callable[[Any], Callable[..., QuerySet[M]]],
        kinds: Sequence[type],
    ):
        self._name, self._build, self._kinds = name, build, tuple(kinds)
        self._reads: dict[Any, PreparedRead[M]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: Any) -> PreparedRead[M]:
        read = self._reads.get(key)
        if read is None:
            with self._lock:
                read = self._reads.get(key)
                if read is None:
                    read = self._reads[key] = PreparedRead(self._name(key), self._build(key), self._kinds)
        return read


def _converted(rows: list, converters: dict, connection) -> list:
    """SQLCompiler.apply_converters, with this thread's connection (the converters were found on the one
    that compiled the read)."""
    found = []
    for row in map(list, rows):
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        found.append(row)
    return found


def _stand_in_position(param: Any, sentinels: tuple, connection) -> tuple[int | None, Any]:
    for position, value in enumerate(sentinels):
        if isinstance(value, datetime.datetime):
            if param == connection.ops.adapt_datetimefield_value(value):
                return position, _ADAPTED_DATETIME
        elif isinstance(param, type(value)) and value == param:
            return position, _AS_IT_IS if type(param) is type(value) else type(param)
    return None, None


def _params(compiled: _Compiled, args: tuple, connection) -> list:
    params = []
    for where, value in compiled.params:
        if where == "const":
            params.append(value)
            continue
        position, sent_as = value
        if sent_as == _AS_IT_IS:
            params.append(args[position])
        elif sent_as == _ADAPTED_DATETIME:
            params.append(connection.ops.adapt_datetimefield_value(args[position]))
        else:
            params.append(sent_as(args[position]))
    return params
