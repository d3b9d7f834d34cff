"""Pages of feedback (PAKN) and satisfaction.

Public: the published answers (search, pages) and one published item; anyone may send feedback (signed in,
or after confirming a phone number by SMS code). The sender reads their own items (signed in, or in the
browser session that sent them / opened their SMS link). Staff of the agency concerned work through its
queue. Any item that is not for the visitor is a 404, never a hint that it exists.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.decorators import staff_only
from common.http import client_ip
from dossiers.models import Dossier
from procedures.models import Agency

from . import policies, selectors, services
from .forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    CodeForm,
    FeedbackForm,
    PhoneForm,
    PublishForm,
    RatingForm,
)
from .models import Feedback, FeedbackState, ModerationState

PAGE_SIZE = 10
SENT_KEY = "feedback_sent"  # ids of the items this browser session sent or opened by link
PHONE_KEY = "feedback_phone"  # the phone being confirmed
CONFIRMED_KEY = "feedback_confirmation"  # the id of the confirmed phone confirmation


def _sent_ids(request) -> list[int]:
    return [pk for pk in request.session.get(SENT_KEY, []) if isinstance(pk, int)]


def _remember_sent(request, pk: int) -> None:
    request.session[SENT_KEY] = [*_sent_ids(request), pk][-50:]


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else _("The request could not be completed.")


# --- public -------------------------------------------------------------------------------------------------
@require_GET
def public_list(request):
    query = " ".join(request.GET.get("q", "").split())[:100]
    paginator = Paginator(selectors.published(query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/public_list.html",
        {
            "page": page,
            "items": page.object_list,
            "q": query,
            "query": urlencode({"q": query}) if query else "",
        },
    )


@require_GET
def public_detail(request, pk):
    item = get_object_or_404(Feedback.objects.published().select_related("agency"), pk=pk)
    return render(request, "feedback/public_detail.html", {"item": item})


# --- sending ------------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def send(request):
    """Signed in: the form. Without an account: the phone, then its SMS code, then the form."""
    user = request.user
    confirmation = None
    if not user.is_authenticated:
        confirmation = services.usable_confirmation(request.session.get(CONFIRMED_KEY))
        if confirmation is None:
            return _phone_steps(request)
    form = FeedbackForm(request.POST or None, user=user)
    if request.method == "POST" and request.POST.get("step") == "feedback" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.send_feedback(
                subject=services.Subject(
                    agency=data.get("agency"),
                    procedure_version=data.get("procedure_version"),
                    dossier=data.get("dossier"),
                ),
                title=data["title"],
                content=data["content"],
                consent_to_publish=data["consent_to_publish"],
                sender=user if user.is_authenticated else None,
                sender_name=data.get("sender_name", ""),
                confirmation=confirmation,
            )
        except ValidationError as error:
            form.add_error(None, _first_error(error))
        else:
            request.session.pop(CONFIRMED_KEY, None)
            _remember_sent(request, item.pk)
            messages.success(
                request,
                _("Your feedback %(reference)s was received. The agency answers by %(due)s.")
                % {"reference": item.reference, "due": item.due_date.strftime("%d/%m/%Y")},
            )
            return redirect("feedback:mine_detail", item.pk)
    return render(
        request,
        "feedback/send.html",
        {"form": form, "phone": confirmation.phone if confirmation else "", "step": "feedback"},
        status=400 if request.method == "POST" else 200,
    )


def _phone_steps(request):
    phone_form, code_form = PhoneForm(), CodeForm()
    step = "code" if request.session.get(PHONE_KEY) else "phone"
    status = 200
    if request.method == "POST":
        action = request.POST.get("step")
        if action == "phone":
            phone_form = PhoneForm(request.POST)
            if phone_form.is_valid():
                phone = phone_form.cleaned_data["phone"]
                try:
                    services.send_phone_code(phone=phone, client_ip=client_ip(request))
                except ValidationError as error:
                    phone_form.add_error("phone", _first_error(error))
                    status = 400
                else:
                    request.session[PHONE_KEY] = phone
                    messages.info(request, _("A code was sent by SMS to %(phone)s.") % {"phone": phone})
                    return redirect("feedback:send")
            else:
                status = 400
            step = "phone"
        elif action == "code" and request.session.get(PHONE_KEY):
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                try:
                    confirmation = services.confirm_phone_code(
                        phone=request.session[PHONE_KEY], code=code_form.cleaned_data["code"]
                    )
                except ValidationError as error:
                    code_form.add_error("code", _first_error(error))
                    status = 400
                else:
                    request.session[CONFIRMED_KEY] = confirmation.pk
                    request.session.pop(PHONE_KEY, None)
                    return redirect("feedback:send")
            else:
                status = 400
            step = "code"
        elif action == "restart":
            request.session.pop(PHONE_KEY, None)
            return redirect("feedback:send")
        else:
            status = 400
    return render(
        request,
        "feedback/send.html",
        {
            "step": step,
            "phone_form": phone_form,
            "code_form": code_form,
            "phone": request.session.get(PHONE_KEY, ""),
        },
        status=status,
    )


# --- the sender's own ---------------------------------------------------------------------------------------
@require_GET
def mine(request):
    items = Feedback.objects.none()
    if request.user.is_authenticated:
        items = Feedback.objects.filter(sender=request.user)
    sent = _sent_ids(request)
    if sent:
        items = items | Feedback.objects.filter(pk__in=sent, sender__isnull=True)
    if not request.user.is_authenticated and not sent:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    items = items.select_related("agency").order_by("-received_at", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page": page, "items": page.object_list})


def _own(request, pk) -> Feedback:
    item = Feedback.objects.select_related("agency", "procedure_version", "dossier").filter(pk=pk).first()
    if item is None or not policies.is_sender(request.user, item, _sent_ids(request)):
        raise Http404
    return item


@require_GET
def mine_detail(request, pk):
    item = _own(request, pk)
    return render(
        request,
        "feedback/mine_detail.html",
        {
            "item": item,
            "deadline": selectors.deadline(item),
            "may_withdraw": item.state in (FeedbackState.RECEIVED, FeedbackState.ASSIGNED),
        },
    )


@require_POST
def withdraw(request, pk):
    item = _own(request, pk)
    try:
        services.withdraw_feedback(feedback=item, user=request.user, sent_ids=_sent_ids(request))
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Your feedback was withdrawn."))
    return redirect("feedback:mine_detail", item.pk)


@require_GET
def by_link(request, token):
    pk = services.feedback_from_sender_link(token)
    if pk is None or not Feedback.objects.filter(pk=pk, sender__isnull=True).exists():
        return render(
            request, "feedback/link_refused.html", {"reason": "forged", "for_feedback": True}, status=404
        )
    _remember_sent(request, pk)
    return redirect("feedback:mine_detail", pk)


# --- staff --------------------------------------------------------------------------------------------------
def _agency_for(user, agency_code: str) -> Agency:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or not policies.works_for(user, agency):
        raise Http404
    return agency


@require_GET
@staff_only
def staff_home(request):
    agencies = Agency.objects.filter(memberships__user=request.user).order_by("name")
    rows = [(agency, selectors.queue_counts(agency, request.user)) for agency in agencies]
    return render(request, "feedback/staff_home.html", {"rows": rows})


@require_GET
@staff_only
def staff_queue(request, agency_code):
    agency = _agency_for(request.user, agency_code)
    view = request.GET.get("view", "open")
    if view not in selectors.QUEUE_VIEWS:
        view = "open"
    page = Paginator(selectors.queue(agency, view, request.user), 25).get_page(request.GET.get("page"))
    today = clock.localdate()
    rows = [(item, selectors.deadline(item, today)) for item in page.object_list]
    return render(
        request,
        "feedback/staff_queue.html",
        {
            "agency": agency,
            "view": view,
            "counts": selectors.queue_counts(agency, request.user),
            "page": page,
            "rows": rows,
            "query": urlencode({"view": view}),
        },
    )


def _staff_item(request, pk) -> Feedback:
    item = (
        Feedback.objects.select_related("agency", "assignee", "procedure_version", "dossier")
        .filter(pk=pk)
        .first()
    )
    if item is None or not policies.may_handle(request.user, item):
        raise Http404
    return item


STAFF_FORMS = {"assign": AssignForm, "answer": AnswerForm, "publish": PublishForm, "close": CloseForm}


def _staff_page(request, item, bound=None, status=200):
    forms = {}
    if item.is_open:
        forms["assign"] = AssignForm(
            agency=item.agency, initial={"assignee": item.assignee_id or request.user.pk}
        )
        forms["answer"] = AnswerForm()
    if item.state == FeedbackState.ANSWERED:
        if item.consent_to_publish:
            forms["publish"] = PublishForm(initial=services.publication_draft(item))
        forms["close"] = CloseForm()
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "item": item,
            "deadline": selectors.deadline(item),
            "forms": forms,
            "events": list(item.events.select_related("actor")),
            "held": item.moderation == ModerationState.HELD,
        },
        status=status,
    )


@require_GET
@staff_only
def staff_detail(request, pk):
    return _staff_page(request, _staff_item(request, pk))


@require_POST
@staff_only
def staff_act(request, pk, action):
    item = _staff_item(request, pk)
    if action == "take":
        form, data = None, {}
    elif action in STAFF_FORMS:
        kwargs = {"agency": item.agency} if action == "assign" else {}
        form = STAFF_FORMS[action](request.POST, **kwargs)
        if not form.is_valid():
            return _staff_page(request, item, bound=(action, form), status=400)
        data = form.cleaned_data
    else:
        raise Http404
    try:
        if action == "take":
            services.assign_feedback(feedback=item, by=request.user, assignee=request.user)
            done = _("You now handle this feedback.")
        elif action == "assign":
            services.assign_feedback(feedback=item, by=request.user, assignee=data["assignee"])
            done = _("The feedback was assigned.")
        elif action == "answer":
            services.answer_feedback(feedback=item, by=request.user, answer=data["answer"])
            done = _("The answer was sent to the sender.")
        elif action == "publish":
            services.publish_feedback(feedback=item, by=request.user, **data)
            done = _("The question and the answer are published.")
        else:
            services.close_feedback(feedback=item, by=request.user, reason=data["reason"])
            done = _("The feedback was closed.")
    except ValidationError as error:
        if form is None:
            messages.error(request, _first_error(error))
            return redirect("feedback:staff_detail", item.pk)
        form.add_error(None, _first_error(error))
        return _staff_page(request, item, bound=(action, form), status=400)
    messages.success(request, done)
    return redirect("feedback:staff_detail", item.pk)


@require_GET
@staff_only
def satisfaction(request, agency_code):
    agency = _agency_for(request.user, agency_code)
    end = clock.localdate()
    start = end - datetime.timedelta(days=364)  # the last twelve months
    return render(
        request,
        "feedback/satisfaction.html",
        {
            "agency": agency,
            "start": start,
            "end": end,
            "summary": selectors.satisfaction_summary(agency, start, end),
            "comments": selectors.rating_comments(agency, start, end),
            "handling": selectors.feedback_handling(agency, start, end),
            "minimum": settings.SATISFACTION_MIN_RATINGS_SHOWN,
        },
    )


# --- satisfaction -------------------------------------------------------------------------------------------
@require_POST
def rate(request, pk):
    """The applicant rates their returned dossier from its page."""
    if not request.user.is_authenticated:
        raise Http404
    dossier = Dossier.objects.filter(pk=pk, applicant=request.user).first()
    if dossier is None:
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5 for each question."))
        return redirect("dossiers:detail", dossier.pk)
    try:
        services.rate_dossier(dossier=dossier, by=request.user, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Thank you for rating the service."))
    return redirect("dossiers:detail", dossier.pk)


@require_http_methods(["GET", "POST"])
def rate_by_link(request, token):
    """The signed link of the notice: for applicants without an account (desk, post) and everyone else."""
    try:
        dossier = services.dossier_from_token(token)
    except services.LinkRefused as refused:
        return render(
            request,
            "feedback/link_refused.html",
            {"reason": refused.reason},
            status=410 if refused.reason in {"expired", "used"} else 404,
        )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_dossier(dossier=dossier, token=token, **form.cleaned_data)
        except services.LinkRefused as refused:
            return render(request, "feedback/link_refused.html", {"reason": refused.reason}, status=410)
        except ValidationError as error:
            form.add_error(None, _first_error(error))
        else:
            return render(request, "feedback/rated.html", {"dossier": dossier})
    return render(
        request,
        "feedback/rate.html",
        {"dossier": dossier, "form": form},
        status=400 if request.method == "POST" else 200,
    )
