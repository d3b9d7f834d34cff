"""Public status lookup (no sign-in): the page. The lookup itself — the per-address count, the per-code
guard, the dossier and its public timeline — is services.lookups, shared with the API's public status."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.http import client_ip

from ..forms import LookupForm
from ..services import lookups


@never_cache
@require_GET
def lookup(request):
    """Tra cứu hồ sơ: anyone with the code and 4 digits only the applicant knows. A miss says the same
    thing whether the code exists or not; the result shows no name and no document."""
    searched = "code" in request.GET and "digits" in request.GET
    form = LookupForm(request.GET if searched else None, initial={"code": request.GET.get("code", "")})
    if not searched and request.GET.get("code"):
        # Opened from the slip's QR code: the code is filled in, the 4 digits are all that is left to type.
        form.fields["digits"].widget.attrs["autofocus"] = True
    context = {"form": form, "searched": searched, "dossier": None, "limited": False}
    status = 200
    if searched and form.is_valid():
        if not lookups.lookup_allowed(client_ip(request)):
            context["limited"] = True
            status = 429
        else:
            found = lookups.look_up(form.cleaned_data["code"], form.cleaned_data["digits"])
            if found.locked_until is not None:
                context["code_locked_until"] = found.locked_until
                status = 429
            elif found.dossier is not None:
                context.update(dossier=found.dossier, timeline=found.timeline)
    return render(request, "dossiers/public/lookup.html", context, status=status)
