"""The applicant's appointment page (pick a day, then a time; move; cancel), the calendar file, and the
desk's day list with attended / no-show. A dossier the person may not manage is a 404; so is another
agency's day list."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common import clock
from common.decorators import citizen_only, staff_only
from common.downloads import private_download
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier
from procedures.models import Agency

from . import ics, selectors, services
from .forms import MarkForm, SlotChoiceForm, parse_day
from .models import Appointment, Purpose

CALENDAR = "text/calendar; charset=utf-8"


def _own_dossier(user, pk) -> Dossier:
    """The user's filed dossier (a draft has no appointment), else 404."""
    dossier = dossier_selectors.own_dossier(user, pk, related=("procedure_version", "receiving_agency"))
    if dossier.code is None:
        raise Http404
    return dossier


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_GET
@citizen_only
def book_page(request, pk):
    dossier = _own_dossier(request.user, pk)
    appointments = {a.purpose: a for a in selectors.active_appointments(dossier)}
    allowed = set(services.open_purposes(dossier)) | set(appointments)
    purpose = request.GET.get("purpose", "")
    if purpose not in allowed:
        purpose = next(iter(sorted(allowed)), "")
    if not purpose:
        messages.info(request, _("This dossier needs no appointment now."))
        return redirect("dossiers:detail", dossier.pk)
    agency = dossier.receiving_agency
    first, last = services.booking_window(agency)
    slots = services.available_slots(agency, first, last)
    days = selectors.bookable_days(slots)
    day = parse_day(request.GET.get("day"))
    if day not in {d for d, _free in days}:
        day = None
    zone = services.local_zone()
    day_slots = [s for s in slots if day and s.starts_at.astimezone(zone).date() == day]
    return render(
        request,
        "appointments/book.html",
        {
            "dossier": dossier,
            "purpose": Purpose(purpose),
            "appointment": appointments.get(purpose),
            "days": days,
            "day": day,
            "slots": day_slots,
            "agency": agency,
            "schedule": services.schedule_of(agency),
        },
    )


@require_POST
@citizen_only
def choose_slot(request, pk):
    dossier = _own_dossier(request.user, pk)
    form = SlotChoiceForm(request.POST)
    purpose = request.POST.get("purpose", "")
    back = reverse("appointments:book", args=[dossier.pk]) + "?" + urlencode({"purpose": purpose[:20]})
    if not form.is_valid():
        messages.error(request, _("Choose a time from the list."))
        return redirect(back)
    existing = dossier.appointments.filter(purpose=form.cleaned_data["purpose"], status="booked").first()
    try:
        if existing:
            services.move(appointment=existing, starts_at=form.cleaned_data["starts_at"], by=request.user)
            messages.success(request, _("Your appointment was moved."))
        else:
            services.book(
                dossier=dossier,
                purpose=form.cleaned_data["purpose"],
                starts_at=form.cleaned_data["starts_at"],
                by=request.user,
            )
            messages.success(request, _("Your appointment is booked."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(back)
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("dossiers:detail", dossier.pk)


@require_POST
@citizen_only
def cancel(request, pk, appointment_pk):
    dossier = _own_dossier(request.user, pk)
    appointment = get_object_or_404(dossier.appointments, pk=appointment_pk)
    try:
        services.cancel(appointment=appointment, by=request.user)
        messages.success(request, _("Your appointment was cancelled."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied as error:
        raise Http404 from error
    return redirect("dossiers:detail", dossier.pk)


@require_GET
@login_required
def calendar(request, appointment_pk):
    appointment = get_object_or_404(
        Appointment.objects.select_related("dossier__procedure_version", "agency"), pk=appointment_pk
    )
    if not (
        services.may_staff(request.user, appointment.agency_id)
        or services.may_manage(request.user, appointment.dossier)
    ):
        raise Http404
    return private_download(
        ics.calendar_file(appointment), filename=ics.filename(appointment), content_type=CALENDAR
    )


def _staff_agency(user, code) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not services.may_staff(user, agency.pk):
        raise Http404
    return agency


@require_GET
@staff_only
def day_list(request, agency_code):
    agency = _staff_agency(request.user, agency_code)
    day = parse_day(request.GET.get("date")) or clock.localdate()
    return render(
        request,
        "appointments/day_list.html",
        {
            "agency": agency,
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "appointments": selectors.day_list(agency.pk, day),
            "now": clock.now(),
        },
    )


@require_POST
@staff_only
def mark(request, agency_code, appointment_pk):
    agency = _staff_agency(request.user, agency_code)
    appointment = get_object_or_404(Appointment, pk=appointment_pk, agency=agency)
    form = MarkForm(request.POST)
    day = appointment.starts_at.astimezone(services.local_zone()).date()
    if not form.is_valid():
        messages.error(request, _("Choose attended or did not come."))
    else:
        try:
            services.mark(appointment=appointment, status=form.cleaned_data["status"], by=request.user)
            messages.success(request, _("Recorded."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except PermissionDenied as error:
            raise Http404 from error
    return redirect(
        reverse("appointments:day_list", args=[agency.code]) + "?" + urlencode({"date": day.isoformat()})
    )
