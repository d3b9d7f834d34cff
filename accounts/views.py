import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import CitizenProfileForm
from .middleware import SESSION_LAST_SEEN, session_deadline


@login_required
def profile(request):
    """The signed-in citizen's own details; there is no way to name another person's profile."""
    if not request.user.is_citizen:
        raise PermissionDenied
    instance = getattr(request.user, "profile", None)
    initial = {"full_name": request.user.full_name} if instance is None else None
    form = CitizenProfileForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.save_citizen_profile(user=request.user, **details)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your details were saved. Forms will be filled in with them."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """GET tells the warning script how long the session has left; POST ("stay signed in") renews it."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "seconds_left": 0})
    if request.method == "POST":
        request.session[SESSION_LAST_SEEN] = time.time()
    deadline = session_deadline(request)
    seconds_left = max(0, int(deadline - time.time())) if deadline else 0
    return JsonResponse({"authenticated": True, "seconds_left": seconds_left})
