from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from . import selectors
from .serializers import ProcedureDetailSerializer, ProcedureSummarySerializer


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Words to search, with or without Vietnamese accents"),
        OpenApiParameter("field", str, description="Field code"),
        OpenApiParameter("agency", str, description="Agency code"),
        OpenApiParameter("level", str, enum=["province", "district", "commune"]),
        OpenApiParameter("full_process", bool),
    ]
)
class ProcedureListAPI(generics.ListAPIView):
    """Published procedures of the catalogue (public, read-only)."""

    serializer_class = ProcedureSummarySerializer
    permission_classes = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.published_procedures(
            selectors.CatalogueFilters(
                query=params.get("q", ""),
                field=params.get("field", ""),
                agency=params.get("agency", ""),
                level=params.get("level", ""),
                full_process_only=params.get("full_process", "").lower() in {"1", "true", "on"},
            )
        )


class ProcedureDetailAPI(generics.RetrieveAPIView):
    """The published version of one procedure, with fees and required documents."""

    serializer_class = ProcedureDetailSerializer
    permission_classes = []

    def get_object(self):
        version = selectors.published_version_of(self.kwargs["national_code"])
        if version is None:
            raise Http404
        return version
