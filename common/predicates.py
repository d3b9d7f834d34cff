"""Named questions about a row's state, asked the same way by code and templates (`order.is_held`) instead
of comparing choice strings: `is_held = FieldIs("status", OrderStatus.HELD)`."""

from __future__ import annotations

from typing import Any, overload


class FieldIs:
    """True when the instance's `field` holds one of `values` (read-only)."""

    def __init__(self, field: str, *values: Any) -> None:
        if not values:
            raise TypeError("FieldIs needs at least one value")
        self.field = field
        self.values = frozenset(values)

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> FieldIs: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> bool: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> FieldIs | bool:
        if instance is None:
            return self
        return getattr(instance, self.field) in self.values
