"""Acting on behalf (ủy quyền): the citizen's page "Authorisations" (grant, approve or decline a request,
revoke) and the helper's page "Acting for others" (ask, approve with the citizen's SMS code, start a
dossier in the citizen's name). Every change goes through `dossiers.services.authorisations`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.identity import current_loa
from common.decorators import citizen_only

from .. import consent, selectors
from ..forms import ApprovalCodeForm, ApproveForm, GrantForm, RequestAuthorisationForm, StartOnBehalfForm
from ..models import Dossier
from ..services import authorisations as service


def _posted(request):
    return request.POST if request.method == "POST" else None


def _consent_context() -> dict:
    return {"consent_text": consent.current_text(), "consent_version": consent.CURRENT_VERSION}


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal under the field it is about, else above the form."""
    person = "helper" if "helper" in form.fields else "citizen"
    fields = {"unknown_person": person, "self": person, "past": "expires_on", "long": "expires_on"}
    form.add_error(fields.get(getattr(error, "code", "") or ""), error)


# --- the citizen ------------------------------------------------------------------------------------------
@citizen_only
def mine(request):
    """Whom I authorised, who asks, and the form to authorise someone."""
    own = list(
        Dossier.objects.filter(applicant=request.user)
        .select_related("procedure_version")
        .order_by("-created_at")[:50]
    )
    form = GrantForm(_posted(request), dossiers=own, initial={"consent_version": consent.CURRENT_VERSION})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authorisation = service.grant(
                citizen=request.user,
                helper_named=data["helper"],
                relation=data["relation"],
                scope=data["scope"],
                dossier=data["dossier_obj"],
                procedure=data["procedure"],
                expires_on=data["expires_on"],
                consent_version=data["consent_version"],
                session_key=request.session.session_key or "",
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s may now act on your behalf until %(date)s.")
                % {
                    "name": authorisation.helper.full_name or authorisation.helper.email,
                    "date": authorisation.last_day.strftime("%d/%m/%Y"),
                },
            )
            return redirect("dossiers:authorisations")
    return render(
        request,
        "dossiers/citizen/authorisations.html",
        {
            "form": form,
            "given": selectors.authorisations_given(request.user),
            "approve_form": ApproveForm(initial={"consent_version": consent.CURRENT_VERSION}),
            **_consent_context(),
        },
        status=400 if form.errors else 200,
    )


ANSWERS = {"approve", "decline", "revoke"}


@citizen_only
@require_POST
def act(request, pk, action):
    """Approve or decline a request (the citizen), revoke (the citizen, or the helper giving it up)."""
    if action not in ANSWERS:
        raise Http404
    authorisation = selectors.authorisation_for(request.user, pk)
    back = "dossiers:authorisations" if authorisation.citizen_id == request.user.pk else "dossiers:acting_for"
    try:
        if action == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Tick the box to show you agree, then approve."))
                return redirect(back)
            service.approve(
                citizen=request.user,
                authorisation=authorisation,
                consent_version=form.cleaned_data["consent_version"],
                session_key=request.session.session_key or "",
            )
            messages.success(request, _("Approved: this person may now act on your behalf."))
        elif action == "decline":
            service.decline(citizen=request.user, authorisation=authorisation)
            messages.success(request, _("The request was declined."))
        else:
            service.revoke(by=request.user, authorisation=authorisation)
            messages.success(request, _("The authorisation was revoked. It no longer applies."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("This authorisation is no longer waiting for this action."))
    return redirect(back)


# --- the helper -------------------------------------------------------------------------------------------
@citizen_only
def acting_for(request):
    """Whom I may act for (and the requests waiting), the form to ask."""
    form = RequestAuthorisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.request_authorisation(
                helper=request.user,
                citizen_named=data["citizen"],
                relation=data["relation"],
                scope=data["scope"],
                procedure=data["procedure"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Request sent. The person approves it in the portal, or gives you the code sent to their "
                    "phone."
                ),
            )
            return redirect("dossiers:acting_for")
    return render(
        request,
        "dossiers/citizen/acting_for.html",
        {
            "form": form,
            "held": selectors.authorisations_held(request.user),
            "code_form": ApprovalCodeForm(initial={"consent_version": consent.CURRENT_VERSION}),
            "start_form": StartOnBehalfForm(),
            **_consent_context(),
        },
        status=400 if form.errors else 200,
    )


@citizen_only
@require_POST
def approval_code(request, pk):
    """Send the approval code to the citizen's phone (action=send), or check the code typed (confirm)."""
    authorisation = selectors.authorisation_held(request.user, pk)
    try:
        if request.POST.get("action") == "send":
            service.send_approval_code(helper=request.user, authorisation=authorisation)
            messages.success(
                request, _("A code was sent to the citizen's phone. Ask them to read it to you.")
            )
        else:
            form = ApprovalCodeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter the code and tick the box to show the citizen agrees."))
                return redirect("dossiers:acting_for")
            service.approve_with_code(
                helper=request.user,
                authorisation=authorisation,
                code=form.cleaned_data["code"],
                consent_version=form.cleaned_data["consent_version"],
            )
            messages.success(request, _("Approved: you may now act on this person's behalf."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("This request is no longer waiting for approval."))
    return redirect("dossiers:acting_for")


@citizen_only
@require_POST
def start_on_behalf(request, pk):
    """Start a dossier in the citizen's name (they are the applicant; I am the one who files)."""
    authorisation = selectors.authorisation_held(request.user, pk)
    form = StartOnBehalfForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("national_code", [])))
        return redirect("dossiers:acting_for")
    try:
        dossier = service.start_on_behalf(
            helper=request.user,
            authorisation=authorisation,
            version=form.cleaned_data["version"],
            assurance=current_loa(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dossiers:acting_for")
    except PermissionDenied:
        messages.error(
            request, _("Your authorisation does not cover this procedure, or is no longer in force.")
        )
        return redirect("dossiers:acting_for")
    return redirect("dossiers:wizard", dossier.pk, "applicant")
