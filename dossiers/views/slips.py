"""The slips as PDF, for everyone who may see the dossier (its applicant too); 404 for anyone else and
for a slip the dossier does not have (no receipt before receipt, no stop notice under the 2018 rules)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from common.downloads import private_download

from .. import slips
from ..models import DocumentAccess, Dossier
from ..services.access_log import logs_document_access, record_request_access


@require_GET
@login_required
@logs_document_access
def slip(request, pk, kind):
    dossier = (
        Dossier.objects.visible_to(request.user)
        .select_related(
            "procedure_version__procedure",
            "receiving_agency__parent",
            "receiving_agency__administrative_unit",
            "handling_agency__parent",
            "handling_agency__administrative_unit",
            "rule_set",
        )
        .filter(pk=pk)
        .first()
    )
    item = request.GET.get("id", "")
    if dossier is None or kind not in slips.SLIP_KINDS or (item and not item.isdigit()):
        raise Http404
    context = slips.slip_context(dossier, kind, int(item) if item else None)
    if context is None:
        raise Http404
    content, name = slips.render_pdf(context), slips.filename(context)
    record_request_access(request, what=DocumentAccess.What.SLIP, file_name=name, dossier=dossier)
    return private_download(content, filename=name)
