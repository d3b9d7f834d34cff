"""The dossier API for the province's systems, /api/v1/ (README: "API for integrators"). Each view names the
scope it needs; the client's agencies decide which dossiers exist for it (selectors)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common import clock
from common.downloads import user_file
from common.http import client_ip
from common.kept import kept_key
from dossiers import selectors as dossier_selectors
from dossiers.forms import LookupForm
from dossiers.models import DocumentAccess
from dossiers.services import lookups
from dossiers.services.access_log import logs_document_access, record_request_access
from procedures.serializers import ErrorDetailSerializer

from . import selectors
from .authentication import ApiKeyAuthentication, ClientTokenAuthentication
from .models import Scope
from .pagination import DossierCursor
from .permissions import HasClientScope
from .serializers import (
    CountFilterSerializer,
    DossierDetailSerializer,
    DossierFilterSerializer,
    DossierSummarySerializer,
    PublicStatusSerializer,
    StateCountsSerializer,
)
from .throttling import ClientRateThrottle


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorDetailSerializer, description=description)


PARAMETER_MESSAGES = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
BAD_REQUEST = OpenApiResponse(
    {"oneOf": [PARAMETER_MESSAGES, DETAIL]},
    description="A parameter was refused (messages per parameter: an unknown state, a date that is not "
    "YYYY-MM-DD, an empty value where one is needed), or the address holds a NUL character or a query string "
    "that is not UTF-8 ({detail}).",
)
UNAUTHENTICATED = _error(
    "No credential, or one that is unknown, revoked, expired or of a disabled client: send "
    "`Authorization: Bearer <token>` (OAuth 2.0 client credentials), `Authorization: ApiKey <key>` or "
    "`X-API-Key: <key>`."
)
FORBIDDEN = _error("The client is identified but its credential lacks the scope this endpoint needs.")
THROTTLED = _error("The client's requests per minute are used up: try again after Retry-After seconds.")
BUSY = _error("The database did not answer in time (DB_STATEMENT_TIMEOUT_MS): try again after Retry-After.")
NOT_FOUND = _error(
    "No dossier with this code among the client's agencies' (another agency's dossier is not found either)."
)
CLIENT_ERRORS = {400: BAD_REQUEST, 401: UNAUTHENTICATED, 403: FORBIDDEN, 429: THROTTLED, 503: BUSY}
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Dossier code.")
# What the lookup form takes (LookupForm): no longer than a code, not blank once trimmed, no NUL; anything
# else is a 400 before any lookup is counted.
LOOKUP_CODE = OpenApiParameter(
    "code",
    {
        "type": "string",
        "maxLength": LookupForm.base_fields["code"].max_length,
        "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$",
    },
    OpenApiParameter.PATH,
    description="Dossier code as printed on the receipt, e.g. 000.00.15.H29-250105-0007 (case and surrounding"
    " spaces are ignored).",
)


class ClientAPIView(APIView):
    """An endpoint for identified clients only (the portal's default identifies nobody)."""

    authentication_classes = [ClientTokenAuthentication, ApiKeyAuthentication]
    permission_classes = [HasClientScope]
    throttle_classes = [ClientRateThrottle]
    required_scope = Scope.READ


@extend_schema(
    tags=["v1: dossiers"],
    parameters=[DossierFilterSerializer],
    responses={
        200: DossierSummarySerializer(many=True),
        404: _error("The cursor is not one this API gave: it points to no page."),
        **CLIENT_ERRORS,
    },
)
class DossierListAPI(ClientAPIView, generics.ListAPIView):
    """The filed dossiers the client's agencies receive or handle, in filing order, by cursor pages."""

    serializer_class = DossierSummarySerializer
    pagination_class = DossierCursor

    def list(self, request, *args, **kwargs):
        """A page read again is answered from the cache until a change to one of the client's agencies'
        dossiers commits (the queues' version: dossiers.selectors.agency_versions), or at most
        API_LIST_CACHE_SECONDS for a change outside the dossiers' steps (archiving's redaction)."""
        identity = request.auth
        asked = sorted((name, tuple(request.query_params.getlist(name))) for name in request.query_params)
        versions = dossier_selectors.agency_versions(identity.agency_ids)
        parts = (identity.client.pk, sorted(identity.agency_ids), versions, asked)
        key = kept_key("integrations:dossier-list", parts)
        kept = cache.get(key)
        if kept is not None:
            return Response(kept)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, settings.API_LIST_CACHE_SECONDS)
        return response

    def get_queryset(self):
        # A plain dict: DRF would skip an empty value of a QueryDict ("?state=") instead of refusing it.
        query = DossierFilterSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = query.to_filters()
        self.branches = selectors.dossier_list_branches(self.request.auth, filters)  # read by DossierCursor
        return selectors.dossier_list(self.request.auth, filters)


@extend_schema(
    tags=["v1: dossiers"],
    parameters=[CODE],
    responses={200: DossierDetailSerializer, 404: NOT_FOUND, **CLIENT_ERRORS},
)
class DossierDetailAPI(ClientAPIView):
    """One dossier: its state, dates, status history (no staff names or notes, no internal steps) and its
    documents' metadata; a download link per document with the "dossiers:documents" scope."""

    def get(self, request, code):
        dossier = selectors.dossier_by_code(request.auth, code)
        if dossier is None:
            raise NotFound(_("No dossier has this code among your agencies' dossiers."))
        dossier.status_history = selectors.status_history(dossier)
        dossier.documents_metadata = selectors.documents(dossier)
        context = {"scopes": request.auth.scopes, "code": dossier.code, "request": request}
        data = DossierDetailSerializer(dossier, context=context).data
        return Response(data)


FILE_TYPES = ("application/pdf", "image/jpeg", "image/png", "application/octet-stream")


@extend_schema(
    tags=["v1: dossiers"],
    parameters=[
        CODE,
        OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Document id."),
    ],
    responses={
        **{(200, kind): OpenApiTypes.BINARY for kind in FILE_TYPES},
        404: _error("No such document in one of the client's agencies' dossiers."),
        **CLIENT_ERRORS,
    },
)
class DocumentFileAPI(ClientAPIView):
    """The document's file, streamed (the "dossiers:documents" scope)."""

    required_scope = Scope.DOCUMENTS

    @logs_document_access
    def get(self, request, code, document_id):
        if not document_id.isdigit() or len(document_id) > 18:
            raise NotFound(_("No such document."))
        document = selectors.document_of(request.auth, code, int(document_id))
        if document is None:
            raise NotFound(_("No such document."))
        stored = document.stored_file
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError as missing:
            raise NotFound(_("No such document.")) from missing
        dossier = document.dossier
        ours = request.auth.agency_ids
        record_request_access(
            request._request,  # the client's address and route as Django saw them
            user=None,  # a system, named by actor_name
            what=DocumentAccess.What.DOCUMENT,
            file_name=stored.original_name,
            actor_name=request.auth.client.name,
            via=DocumentAccess.Via.API,
            dossier=dossier,
            stored_file=stored,
            agency_id=dossier.receiving_agency_id
            if dossier.receiving_agency_id in ours
            else dossier.handling_agency_id,
        )
        return user_file(handle, filename=stored.original_name, content_type=stored.content_type)


@extend_schema(
    tags=["v1: dossiers"],
    parameters=[CountFilterSerializer],
    responses={200: StateCountsSerializer, **CLIENT_ERRORS},
)
class StateCountsAPI(ClientAPIView):
    """How many of the client's agencies' dossiers are in each state (filed in the days asked)."""

    required_scope = Scope.COUNTS

    def get(self, request):
        query = CountFilterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        counts = selectors.counts_by_state(request.auth, query.to_filters())
        return Response({"counts": counts, "total": sum(counts.values())})


@extend_schema(
    tags=["v1: public"],
    auth=[],
    parameters=[
        LOOKUP_CODE,
        OpenApiParameter(
            "pin",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            required=True,
            pattern="^[0-9]{4}$",
            description="The last 4 digits of the applicant's phone number or ID number.",
        ),
    ],
    responses={
        200: PublicStatusSerializer,
        400: BAD_REQUEST,
        404: _error(
            "No dossier matches this code and these digits (the same answer whether the code exists)."
        ),
        429: _error(
            "Too many lookups from this address (10 in 10 minutes), or this code is locked for an hour after "
            "10 wrong tries from any address: try again after Retry-After seconds."
        ),
        503: BUSY,
    },
)
class PublicStatusAPI(APIView):
    """What the public lookup page (Tra cứu hồ sơ) answers, with its limits: no sign-in, the code and the
    last 4 digits of the applicant's phone or ID number; no name, no document, no reasons."""

    authentication_classes = []
    permission_classes = []

    def get(self, request, code):
        form = LookupForm({"code": code, "digits": request.query_params.get("pin", "")})
        if not form.is_valid():
            names = {"digits": "pin"}
            raise ValidationError(
                {
                    names.get(field, field): [str(message) for message in messages]
                    for field, messages in form.errors.items()
                }
            )
        if not lookups.lookup_allowed(client_ip(request._request)):
            return self._too_many(
                _("Too many lookups from your connection: please wait 10 minutes and try again."),
                lookups.LOOKUP_WINDOW_SECONDS,
            )
        found = lookups.look_up(form.cleaned_data["code"], form.cleaned_data["digits"])
        if found.locked_until is not None:
            wait = (found.locked_until - clock.now()).total_seconds()
            return self._too_many(
                _("Lookups of this dossier code are paused after too many wrong tries: try again later."),
                wait,
            )
        if found.dossier is None:
            raise NotFound(_("No dossier matches this code and these digits."))
        found.dossier.timeline = found.timeline
        return Response(PublicStatusSerializer(found.dossier).data)

    def _too_many(self, message: str, seconds: float) -> Response:
        response = Response({"detail": message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        response["Retry-After"] = str(max(int(seconds) + 1, 1))
        return response
