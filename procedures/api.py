from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics

from common.replica import reads_lag_tolerant

from . import selectors
from .serializers import (
    CatalogueQuerySerializer,
    ErrorDetailSerializer,
    ProcedureDetailSerializer,
    ProcedureSummarySerializer,
)

# 400 of the list: a parameter the list refuses ({"q": ["Ensure this field has no more than 200
# characters."]}), or an address the portal refuses before any view ({"detail": "…NUL character…"}).
PARAMETER_MESSAGES = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
INVALID_PARAMETERS = OpenApiResponse(
    response={"oneOf": [PARAMETER_MESSAGES, DETAIL]},
    description="A query parameter was refused — too long, an unknown level, not a boolean — with the "
    "messages per parameter; or the address holds a NUL character, or a query string that is not UTF-8 "
    "({detail}).",
)
UNREADABLE_ADDRESS = OpenApiResponse(
    ErrorDetailSerializer,
    description="The address holds a NUL character, or a query string that is not UTF-8.",
)
BUSY = OpenApiResponse(
    ErrorDetailSerializer,
    description="The database did not answer in time (DB_STATEMENT_TIMEOUT_MS): try again after Retry-After.",
)
NO_SUCH_PAGE = OpenApiResponse(ErrorDetailSerializer, description="The page number is past the last page.")
NO_SUCH_PROCEDURE = OpenApiResponse(
    ErrorDetailSerializer, description="No published procedure has this national code."
)


@extend_schema(
    parameters=[CatalogueQuerySerializer],
    responses={
        200: ProcedureSummarySerializer(many=True),
        400: INVALID_PARAMETERS,
        404: NO_SUCH_PAGE,
        503: BUSY,
    },
)
@method_decorator(reads_lag_tolerant, name="get")  # the catalogue tolerates the replica's lag
class ProcedureListAPI(generics.ListAPIView):
    """Published procedures of the catalogue (public, read-only)."""

    serializer_class = ProcedureSummarySerializer
    permission_classes = []

    def get_queryset(self):
        query = CatalogueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.published_procedures(query.to_filters())


@extend_schema(
    responses={200: ProcedureDetailSerializer, 400: UNREADABLE_ADDRESS, 404: NO_SUCH_PROCEDURE, 503: BUSY}
)
@method_decorator(reads_lag_tolerant, name="get")  # the catalogue tolerates the replica's lag
class ProcedureDetailAPI(generics.RetrieveAPIView):
    """The published version of one procedure, with fees and required documents."""

    serializer_class = ProcedureDetailSerializer
    permission_classes = []

    def get_object(self):
        version = selectors.published_version_of(self.kwargs["national_code"])
        if version is None:
            raise Http404
        return version
