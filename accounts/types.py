"""Types for the people in other apps' signatures.

The apps below accounts in the layering (procedures, notifications) import this module under
`typing.TYPE_CHECKING` only, so the annotation adds no import at run time."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from .models import User

Actor: TypeAlias = User
"""Who carries out a use case (`by`, `clerk`, `officer`, `actor`): always a signed-in account, since the
views that call the services require a login and system jobs pass None where a service allows it."""

Visitor: TypeAlias = User | AnonymousUser
"""`request.user` before any login check: reads that also serve anonymous pages (the header's counters)."""
