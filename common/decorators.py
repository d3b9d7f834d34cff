"""Who may open a page, by the kind of account: citizens' pages and staff pages. They read the user's own
properties (`is_citizen`, `is_staff_role`), so no app's models are imported here."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _


def citizen_only(view):
    """Signed-in citizens only. Staff file at the desk from the back office, not through these pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_citizen:
            return render(request, "dossiers/citizen/citizens_only.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def staff_only(view):
    """Signed-in staff (clerks, officers, finance, catalogue admins, superusers); citizens get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff_role:
            raise PermissionDenied(_("These pages are for the staff of the agencies."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)
