import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services, simple_mode
from .forms import CitizenProfileForm, PhoneCodeForm
from .middleware import SESSION_LAST_SEEN, session_deadline


def _citizen_profile(request):
    if not request.user.is_citizen:
        raise PermissionDenied
    return getattr(request.user, "profile", None)


def _render_profile(request, form, code_form=None):
    instance = getattr(request.user, "profile", None)
    context = {
        "form": form,
        "phone": selectors.phone_state(instance),
        "code_form": code_form or PhoneCodeForm(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def profile(request):
    """The signed-in citizen's own details; there is no way to name another person's profile."""
    instance = _citizen_profile(request)
    # The box shows the mode the pages are in (the cookie may have turned it on before the profile knew).
    initial = {"simple_mode": simple_mode.is_on(request)}
    if instance is None:
        initial["full_name"] = request.user.full_name
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
            response = redirect("accounts:profile")
            simple_mode.remember(request, response, on=form.cleaned_data["simple_mode"])
            return response
    return _render_profile(request, form)


PHONE_BOX = "#phone-verification"


@login_required
@require_POST
def send_phone_code(request):
    """Send (or send again) the SMS code for the phone saved in the profile."""
    _citizen_profile(request)
    try:
        verification = services.send_phone_code(user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("A code was sent by SMS to %(phone)s. Please enter it below within %(minutes)s minutes.")
            % {
                "phone": verification.phone,
                "minutes": int((verification.expires_at - verification.created_at).total_seconds() // 60),
            },
        )
    return redirect(reverse("accounts:profile") + PHONE_BOX)


@login_required
@require_POST
def confirm_phone(request):
    """The code typed back: the number is verified, or the page says why not and keeps what was typed."""
    instance = _citizen_profile(request)
    code_form = PhoneCodeForm(request.POST)
    if code_form.is_valid():
        try:
            services.confirm_phone(user=request.user, code=code_form.cleaned_data["code"])
        except ValidationError as error:
            code_form.add_error("code", error)
        else:
            messages.success(request, _("Your phone number is verified: SMS notices will be sent to it."))
            return redirect(reverse("accounts:profile") + PHONE_BOX)
    return _render_profile(request, CitizenProfileForm(instance=instance), code_form)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security(request):
    """The account's sign-in history and open sessions; POST signs it out everywhere but here."""
    if request.method == "POST":
        ended = services.end_other_sessions(user=request.user, request=request)
        if ended:
            messages.success(
                request,
                ngettext(
                    "%(count)d other session was signed out.",
                    "%(count)d other sessions were signed out.",
                    ended,
                )
                % {"count": ended},
            )
        else:
            messages.info(request, _("No other session was open."))
        return redirect("accounts:security")
    context = {
        "sign_ins": selectors.recent_sign_ins(request.user),
        "sessions": selectors.open_sessions(request.user, request.session.session_key),
        "history_days": settings.SIGN_IN_HISTORY_DAYS,
    }
    return render(request, "accounts/security.html", context)


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


@require_POST
def toggle_simple_mode(request):
    """The menu's toggle: a cookie for everyone, and the citizen's profile when signed in; then back to the
    page it was on."""
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated and request.user.is_citizen:
        services.set_simple_mode(user=request.user, on=on)
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    if on:
        messages.success(request, _("Simple mode is on: larger text, and one question on each page."))
    else:
        messages.success(request, _("Simple mode is off."))
    response = redirect(next_url)
    simple_mode.remember(request, response, on=on)
    return response
