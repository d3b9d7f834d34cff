"""Cursor pages of dossiers in filing order (submitted_at, id): stable while new dossiers arrive, and no
COUNT over an agency's whole history."""

import datetime
from base64 import b64decode
from urllib import parse

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering

PAGE_SIZE_RANGE = _("Give a whole number from 1 to %(most)s.")
INVALID_CURSOR = _("The cursor is not one this API gave: start again without it.")


class DossierCursor(CursorPagination):
    ordering = ("submitted_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    offset_cutoff = 1000

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's cursor page, over the few dossiers that can be on it: the first rows past the cursor of each
        of the view's `branches` (one indexed query each), instead of the whole OR query sorted."""
        branches = getattr(view, "branches", None)
        if branches:
            queryset = queryset.filter(pk__in=self._candidates(branches, request))
        return super().paginate_queryset(queryset, request, view)

    def _candidates(self, branches, request) -> set[int]:
        cursor = self.decode_cursor(request) or Cursor(offset=0, reverse=False, position=None)
        ordering = _reverse_ordering(self.ordering) if cursor.reverse else self.ordering
        after = {}
        if cursor.position is not None:
            attribute = self.ordering[0].lstrip("-")
            after = {f"{attribute}__{'lt' if cursor.reverse else 'gt'}": cursor.position}
        enough = cursor.offset + self.get_page_size(request) + 1
        candidates: set[int] = set()
        for branch in branches:
            candidates.update(
                branch.filter(**after).order_by(*ordering).values_list("pk", flat=True)[:enough]
            )
        return candidates

    def decode_cursor(self, request):
        """DRF's decoding (a cursor it cannot read points to no page: 404), with the position checked: a
        forged position would reach the query (a 500)."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(
                b64decode(encoded.encode("ascii"), validate=True).decode("ascii"), strict_parsing=True
            )
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
            if position is not None:
                moment = datetime.datetime.fromisoformat(position)
                if moment.tzinfo is None:
                    raise ValueError("naive position")
        except (TypeError, ValueError, UnicodeError) as error:
            raise NotFound(INVALID_CURSOR) from error
        if not 0 <= offset <= self.offset_cutoff:
            raise NotFound(INVALID_CURSOR)
        return Cursor(offset=offset, reverse=reverse, position=position)

    def get_page_size(self, request):
        """DRF falls back to the default on a page size it cannot read; here it is refused (400)."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not (asked.isascii() and asked.isdigit() and 1 <= int(asked) <= self.max_page_size):
            message = PAGE_SIZE_RANGE % {"most": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(asked)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
