"""The back office of the one-stop shop and the agencies: the work queue, a dossier with the actions allowed
now, registration at the desk, the tracking register.

Staff roles only (a citizen gets 403); an agency's pages only for its members (others: 404); a dossier only
through `selectors.dossier_for` (visible_to: 404 otherwise). Each action parses one small form and calls one
service; the services check again who may act and lock the row against a stale page (`expected_version`).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from common import clock
from common.actions import ServiceAction
from common.decorators import staff_only
from common.downloads import XLSX, private_download
from common.kept import kept
from common.replica import reads_lag_tolerant
from notifications import selectors as notification_selectors
from procedures import selectors as catalogue
from procedures.models import Agency

from .. import fee_lines, policies, register_export, selectors, services, slips
from ..models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    ReturnChannel,
    RuleSet,
    State,
    SupplementRequest,
    Timeliness,
)
from ..selectors import QueueView
from ..staff_forms import (
    ACTION_FORMS,
    CONFIRMED_ACTIONS,
    DeskForm,
    DeskProcedureForm,
    DigitiseForm,
    RegisterFilterForm,
)

QUEUE_PER_PAGE = 25
REGISTER_PER_PAGE = 50

QUEUE_TABS = [
    (QueueView.NEW, pgettext_lazy("dossier queue tab", "New")),
    (QueueView.MINE, gettext_lazy("Assigned to me")),
    (QueueView.DUE_SOON, gettext_lazy("Due soon")),
    (QueueView.OVERDUE, gettext_lazy("Overdue")),
    (QueueView.SUPPLEMENT, gettext_lazy("Supplement pending")),
    (QueueView.IN_PROGRESS, gettext_lazy("In progress")),
    (QueueView.ALL, gettext_lazy("All")),
]
QUEUE_SORTS = [
    ("due_date", gettext_lazy("Due date")),
    ("-submitted_at", gettext_lazy("Newest first")),
    ("submitted_at", gettext_lazy("Oldest first")),
    ("code", pgettext_lazy("dossier code", "Code")),
]
# The history tab reads the agency's year in filing order only (selectors.queue_page).
HISTORY_SORTS = [
    ("-submitted_at", gettext_lazy("Newest first")),
    ("submitted_at", gettext_lazy("Oldest first")),
]

ACTION_LABELS = {
    "check_originals": gettext_lazy("Originals checked"),
    "receive": pgettext_lazy("dossier action", "Receive"),
    "request_supplement": gettext_lazy("Request a supplement"),
    "approve_supplement": gettext_lazy("Approve the supplement request"),
    "reject_supplement": gettext_lazy("Reject the supplement request"),
    "refuse": pgettext_lazy("dossier action", "Refuse"),
    "transfer": pgettext_lazy("dossier action", "Transfer"),
    "assign": pgettext_lazy("dossier action", "Assign"),
    "approve": gettext_lazy("Approve and issue the result"),
    "deny": pgettext_lazy("dossier action", "Deny"),
    "result_ready": gettext_lazy("Result ready"),
    "returned": gettext_lazy("Result returned"),
    "stop": gettext_lazy("Stop processing"),
    "apology": gettext_lazy("Apology and new date"),
}
ACTION_HELP = {
    "check_originals": gettext_lazy("The applicant showed the originals (or came in person)."),
    "receive": gettext_lazy("The dossier is complete: issue the receipt and appointment slip."),
    "refuse": gettext_lazy("Outside this agency's scope or ineligible; the applicant gets the reason."),
    "approve": gettext_lazy("Attach the signed result."),
    "deny": gettext_lazy("The applicant gets the reasons."),
    "stop": gettext_lazy("E.g. the supplement never came, or the applicant asked."),
    "apology": gettext_lazy("Only before the appointment date passes; signed by the head of the agency."),
}
EVENT_LABELS = {
    "submit": gettext_lazy("Filed online"),
    "register_at_desk": gettext_lazy("Registered at the desk"),
    "check_originals": gettext_lazy("Originals checked"),
    "receive": gettext_lazy("Received"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "propose_supplement": gettext_lazy("Supplement proposed"),
    "reject_supplement": gettext_lazy("Supplement proposal rejected"),
    "answer_supplement": gettext_lazy("Supplement sent"),
    "refuse": gettext_lazy("Refused"),
    "transfer": gettext_lazy("Transferred"),
    "assign": gettext_lazy("Assigned"),
    "approve": gettext_lazy("Approved"),
    "deny": gettext_lazy("Denied"),
    "result_ready": gettext_lazy("Result ready"),
    "return": gettext_lazy("Result returned"),
    "stop": gettext_lazy("Processing stopped"),
    "apology": gettext_lazy("Apology, new date"),
    "withdraw": gettext_lazy("Withdrawn"),
    "pay_fees": gettext_lazy("Fees paid"),
    "exempt_fees": gettext_lazy("Fees exempted"),
    "refund_fees": gettext_lazy("Fees refunded"),
}
# The step a dossier in each state waits for, in order of preference: the first one the person may take is
# shown first, open, with the main button; the others fold; those that end the dossier stand apart
# (CONFIRMED_ACTIONS). A transfer is the step only from the desk: once processed, the decision is.
PRIMARY_ACTIONS = {
    State.SUBMITTED: ["check_originals", "receive"],
    State.RECEIVED: ["transfer"],
    State.IN_PROGRESS: ["approve_supplement", "approve"],
    State.APPROVED: ["result_ready"],
    State.RESULT_READY: ["check_originals", "returned"],
}
CONFIRM_CONSEQUENCES = {
    "refuse": gettext_lazy(
        "The dossier is closed without being received; the applicant gets the refusal slip with the reason."
    ),
    "deny": gettext_lazy(
        "The dossier is closed with a decision against the request; the applicant gets the reasons."
    ),
    "stop": gettext_lazy("Processing ends; the applicant gets the notice of stopping with the reason."),
}
# Who can act next (policies.next_steps), named for a viewer who cannot.
NEXT_ACTORS = {
    "desk": gettext_lazy("One-stop-shop clerks of %(agency)s"),
    "handler": gettext_lazy("Staff of %(agency)s"),
    "decider": gettext_lazy("Officers of %(agency)s"),
    "supervisor": gettext_lazy("Supervisors of %(agency)s"),
    "member": gettext_lazy("Staff of %(agency)s"),
    "applicant": gettext_lazy("The applicant"),
}
APPLICANT_STEPS = {
    "answer_supplement": gettext_lazy("Send the supplement"),
    "pay_fees": gettext_lazy("Pay the fees"),
}
FORM_DATA_LABELS = {"purpose": pgettext_lazy("dossier form field", "Request"), "notes": gettext_lazy("Notes")}


def _form_answers(dossier: Dossier) -> list[tuple[str, Any]]:
    """The application form's answers under their questions' labels: the fixed fields', and the counted
    answers' that the version's fees ask (e.g. "Số Phiếu lý lịch tư pháp đề nghị cấp"), never a raw key."""
    answers = {key: value for key, value in dossier.form_data.items() if value not in ("", None, [], {})}
    if not answers:
        return []
    labels: dict[str, Any] = dict(FORM_DATA_LABELS)
    if set(answers) - set(labels):
        labels |= {q.field: q.label for q in fee_lines.questions(dossier.procedure_version.fees.all())}
    return [(labels.get(key, key), value) for key, value in answers.items()]


# The desk's words: the choices' own labels are the applicant's ("into my account").
RETURN_CHANNEL_LABELS = {
    ReturnChannel.DESK: gettext_lazy("At the one-stop-shop desk"),
    ReturnChannel.POST: gettext_lazy("By public post (BCCI)"),
    ReturnChannel.ELECTRONIC: gettext_lazy("Electronically, into the applicant's account"),
}


# --- access -----------------------------------------------------------------------------------------------
def member_agency(user, agency_code: str) -> Agency:
    """An agency the user works for; any other (or an unknown code) does not exist for them."""
    agency = policies.agency_worked_at(user, agency_code)
    if agency is None:
        raise Http404
    return agency


def visible_dossier(user, pk: int) -> Dossier:
    dossier = selectors.dossier_for(user, pk)
    if dossier is None:
        raise Http404
    return dossier


# --- home and queue ---------------------------------------------------------------------------------------
@require_GET
@staff_only
def home(request):
    """The user's agencies, the busiest first, each with its tab counts."""
    rows = [
        (membership, [(key, label, counts.get(key)) for key, label in QUEUE_TABS])
        for membership, counts in selectors.agencies_by_work(request.user)
    ]
    return render(request, "dossiers/staff/home.html", {"rows": rows})


@require_GET
@staff_only
def start(request):
    """Where staff land after signing in (settings.STAFF_LOGIN_REDIRECT_URL): their busiest queue, opened
    on its first tab with dossiers; the list of their agencies when none has work."""
    busiest = selectors.busiest_queue(request.user)
    if busiest is None:
        return redirect("staff:home")
    agency, view = busiest
    return redirect(f"{reverse('staff:queue', args=[agency.code])}?{urlencode({'view': view})}")


@require_GET
@staff_only
def queue(request, agency_code):
    """One tab of an agency's queue. Its content is kept in the cache per member of staff (the "mine" tab
    is theirs), tab, order and page until a change to the agency's dossiers commits, one of them is opened
    or a step of one of their parcels commits (selectors.forget_agency_queues), the day changes, or
    QUEUE_PAGE_CACHE_SECONDS pass: the most it lags is that long, for what changes with the clock alone (an
    answer deadline passing, the at-risk forecast)."""
    agency = member_agency(request.user, agency_code)
    [version] = selectors.agency_versions([agency.pk])
    view = request.GET.get("view")
    if view not in QueueView.CHOICES:
        # No tab asked for: the first one with dossiers, never an empty one when there is work.
        counts = selectors.queue_counts(request.user, agency, version)
        view = selectors.first_busy_tab(counts) or QueueView.NEW
    sorts = HISTORY_SORTS if view == QueueView.ALL else QUEUE_SORTS
    order = request.GET.get("order")
    order = order if order in dict(sorts) else sorts[0][0]
    where = request.GET.get("after" if view == QueueView.ALL else "page", "")
    parts = (agency.pk, request.user.pk, get_language(), clock.localdate(), version, view, order, where)
    content = kept(
        "dossiers:queue-page",
        parts,
        lambda: _queue_content(request, agency, view, order, sorts, version),
        settings.QUEUE_PAGE_CACHE_SECONDS,
    )
    return render(request, "dossiers/staff/queue.html", {"agency": agency, "content": content})


def _queue_content(request, agency, view: str, order: str, sorts, version: str) -> str:
    counts = selectors.queue_counts(request.user, agency, version)
    page = selectors.queue_page(request.user, agency, view, order, request.GET, QUEUE_PER_PAGE)
    keep = {"view": view, "order": order}
    return render_to_string(
        "dossiers/staff/_queue.html",
        {
            "agency": agency,
            "view": view,
            "order": order,
            "tabs": [(key, label, counts.get(key)) for key, label in QUEUE_TABS],
            "sorts": sorts,
            "page": page,
            "next_url": f"?{urlencode(keep | page.next_query)}" if page.next_query is not None else "",
            "previous_url": f"?{urlencode(keep | page.previous_query)}"
            if page.previous_query is not None
            else "",
            "rows": selectors.queue_rows(page.dossiers, agency),
            "due_soon_days": settings.DUE_SOON_WORKING_DAYS,
            "is_clerk": request.user.role == Role.CLERK,
        },
        request,
    )


# --- a dossier --------------------------------------------------------------------------------------------
def _document_url(document: DossierDocument) -> str:
    try:
        return reverse("dossiers:document", args=[document.pk])
    except NoReverseMatch:  # the citizen side's file view is not installed
        return ""


def _timeline(dossier: Dossier, events: list[DossierEvent]) -> list[dict]:
    labels = dict(Timeliness.choices)
    return [
        {
            "row": row,
            "label": EVENT_LABELS.get(row.action, row.action),
            "timeliness": labels.get(row.timeliness, ""),
        }
        for row in slips.handoffs(dossier, events, assignees=slips.assignee_names(events))
    ]


def _has_visible_fields(name: str) -> bool:
    return any(not field.widget.is_hidden for field in ACTION_FORMS[name].base_fields.values())


def _primary_action(dossier: Dossier, allowed: list[str]) -> str | None:
    return next((name for name in PRIMARY_ACTIONS.get(dossier.state, []) if name in allowed), None)


def _action(request, dossier: Dossier, name: str, *, primary: str | None, form=None, unfolded=False) -> dict:
    """One action of the staff dossier page. Its form is built only when it is shown: the step the dossier
    waits for, an action with no field to fill (a button), one unfolded (`unfolded`: posted with an error,
    or asked for by ?open=). A folded form is fetched when it is opened (static/js/staff.js) or, without
    scripts, served on a page of its own (the GET of its address): building every form on every view cost
    a few queries each and most of the page's rendering."""
    label = ACTION_LABELS[name]
    help_text = ACTION_HELP.get(name, "")
    if name == "request_supplement" and dossier.state == State.IN_PROGRESS:
        if not policies.is_supervisor(request.user, dossier.handling_agency):
            label = _("Propose a supplement request")
            help_text = _("During processing a supervisor must approve it; give the reason.")
    elif name == "request_supplement":
        help_text = _("One complete list, once: the rules allow no second request at intake.")
    group = "primary" if name == primary else "ending" if name in CONFIRMED_ACTIONS else "other"
    has_fields = _has_visible_fields(name)
    button_only = group == "other" and not has_fields  # a button, its help beside it, never folded
    if form is None and (unfolded or group == "primary" or button_only):
        form = ACTION_FORMS[name](dossier=dossier, auto_id=f"id_{name}_%s")
    url = reverse("staff:act", args=[dossier.pk, name])
    # The version the page shows goes with the address of a folded form: fetched after someone else changed
    # the dossier, the form would otherwise carry the new version and pass the stale-page check.
    shown = {"version": dossier.lock_version}
    return {
        "name": name,
        "label": label,
        "help": help_text,
        "form": form,
        "has_fields": has_fields,
        "button_only": button_only,
        "url": url,
        "page_url": f"{url}?{urlencode(shown)}",
        "part_url": f"{url}?{urlencode({'part': 'form', **shown})}",
        "multipart": name == "approve",
        "open": unfolded,
        "group": group,
    }


def _action_forms(request, dossier: Dossier, bound: tuple | None) -> list[dict]:
    allowed = policies.allowed_actions(dossier, request.user)
    primary = _primary_action(dossier, allowed)
    actions = []
    for name in allowed:
        is_bound = bound is not None and bound[0] == name
        actions.append(
            _action(
                request,
                dossier,
                name,
                primary=primary,
                form=bound[1] if is_bound else None,
                # ?open=<action>: the early warning's link opens the apology form, prefilled.
                unfolded=is_bound if bound is not None else request.GET.get("open") == name,
            )
        )
    return actions


def _next_steps(dossier: Dossier) -> list[dict]:
    """Who can act next (policies.next_steps), in words: for a viewer with nothing to do on the dossier."""
    lines = []
    for step in policies.next_steps(dossier):
        who = NEXT_ACTORS[step.actors] % {"agency": step.agency.name if step.agency else ""}
        lines.append(
            {
                "who": who,
                "person": step.person.get_full_name() if step.person else "",
                "actions": [str(ACTION_LABELS.get(name) or APPLICANT_STEPS[name]) for name in step.actions],
            }
        )
    return lines


def _my_agencies(user, dossier: Dossier) -> list[Agency]:
    """The dossier's agencies the viewer works at (the breadcrumb's queues), from the rows read with it."""
    mine = policies.memberships_of(user)
    agencies = {a.pk: a for a in (dossier.receiving_agency, dossier.handling_agency) if a is not None}
    return [agency for pk, agency in agencies.items() if pk in mine]


def _slip_links(
    dossier: Dossier, requests: list[SupplementRequest], events: list[DossierEvent]
) -> list[dict]:
    """Every apology is recorded with its audit row (services.issue_apology): the events tell."""
    return [
        {
            "label": slips.SLIP_LABELS[kind],
            "url": reverse("staff:slip", args=[dossier.pk, kind]),
            "kind": kind,
        }
        for kind in slips.available_kinds(
            dossier,
            has_supplement=any(r.sent_at is not None for r in requests),
            has_apology=any(event.action == DossierEvent.Action.APOLOGY for event in events),
        )
    ]


def _detail(
    request,
    dossier: Dossier,
    *,
    bound: tuple | None = None,
    status: int = 200,
    digitise_form: DigitiseForm | None = None,
):
    documents = selectors.documents(dossier)
    for document in documents:
        document.url = _document_url(document)
    requests = selectors.load_supplement_requests(dossier)
    events = selectors.timeline(dossier)
    active = {SupplementRequest.Status.OPEN, SupplementRequest.Status.PROPOSED}
    actions = _action_forms(request, dossier, bound)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "rule_set": slips.rule_set_for(dossier) if dossier.code else None,
        "form_data": _form_answers(dossier),
        "return_channel_label": RETURN_CHANNEL_LABELS.get(dossier.return_channel, ""),
        "documents": {
            kind: [d for d in documents if d.kind == kind] for kind, _label in DossierDocument.Kind.choices
        },
        "active_requests": [r for r in requests if r.status in active],
        "past_requests": [r for r in requests if r.status not in active],
        "timeline": _timeline(dossier, events),
        "notifications": notification_selectors.latest_for_dossier(dossier.pk),
        "actions": actions,
        "action_groups": {action["group"] for action in actions},
        # No step that moves the dossier on is the viewer's (at most assign, apologise or end it): who can.
        "next_steps": []
        if any(action["name"] not in policies.ALWAYS_OPEN | CONFIRMED_ACTIONS for action in actions)
        else _next_steps(dossier),
        "slips": _slip_links(dossier, requests, events),
        "digitise": _digitise(request, dossier, documents, digitise_form),
        "intake_late": dossier.intake_answer_late(),
        "overdue": dossier.is_overdue(),
        "my_agencies": _my_agencies(request.user, dossier),
    }
    return render(request, "dossiers/staff/detail.html", context, status=status)


@require_GET
@staff_only
def detail(request, pk):
    dossier = visible_dossier(request.user, pk)
    services.mark_seen(dossier=dossier, by=request.user)  # no longer "new" to the viewer's agencies
    return _detail(request, dossier)


@require_GET
@staff_only
def transfer_assignees(request, pk):
    """The <option>s of the transfer form's "assign to" list for the agency chosen (static/js/staff.js
    asks when the choice changes): that agency's staff only. 403 for who may not transfer the dossier."""
    dossier = visible_dossier(request.user, pk)
    if "transfer" not in policies.allowed_actions(dossier, request.user):
        raise PermissionDenied
    form = ACTION_FORMS["transfer"]({"to_agency": request.GET.get("to_agency", "")}, dossier=dossier)
    return render(request, "dossiers/staff/_assignee_options.html", {"field": form["assignee"]})


# The service behind each staff action, called with the action form's cleaned data; each returns the
# message shown on success.
Performer = Callable[[Any, Dossier, dict, int], str]
_PERFORMERS: dict[str, Performer] = {}


def _performs(action: str) -> Callable[[Performer], Performer]:
    def register(performer: Performer) -> Performer:
        _PERFORMERS[action] = performer
        return performer

    return register


_PERFORMERS.update(
    {
        "check_originals": ServiceAction(
            services.check_originals, "clerk", ("note",), gettext_lazy("The originals were checked.")
        ),
        "refuse": ServiceAction(
            services.refuse, "clerk", ("reason",), gettext_lazy("Refused. The refusal slip is ready.")
        ),
        "deny": ServiceAction(
            services.deny, "officer", ("reason",), gettext_lazy("Denied. The applicant gets the reasons.")
        ),
        "result_ready": ServiceAction(
            services.mark_result_ready, "by", (), gettext_lazy("The result is ready to be returned.")
        ),
        "returned": ServiceAction(
            services.mark_returned, "by", ("note",), gettext_lazy("The result was returned.")
        ),
        "stop": ServiceAction(
            services.stop, "by", ("reason",), gettext_lazy("Processing stopped. The notice is ready.")
        ),
    }
)


def _perform(action: str, user, dossier: Dossier, data: dict) -> str:
    """Call the one service behind an action; returns the success message."""
    performer = _PERFORMERS.get(action)
    if performer is None:
        raise Http404
    return performer(user, dossier, data, data["expected_version"])


@_performs("receive")
def _receive(user, dossier, data, version):
    dossier = services.receive(dossier=dossier, clerk=user, expected_version=version)
    return _("Received. Appointment date: %(date)s. Print the receipt below.") % {
        "date": dossier.due_date.strftime("%d/%m/%Y")
    }


@_performs("request_supplement")
def _request_supplement(user, dossier, data, version):
    request = services.request_supplement(
        dossier=dossier,
        by=user,
        items=list(data["items"]),
        details=data["details"],
        reason=data["reason"],
        contact=data["contact"],
        expected_version=version,
    )
    if request.status == SupplementRequest.Status.PROPOSED:
        return _("The supplement request waits for a supervisor's approval.")
    return _("The applicant was asked for the supplement.")


@_performs("approve_supplement")
def _approve_supplement(user, dossier, data, version):
    services.approve_supplement_request(request=data["request"], supervisor=user, expected_version=version)
    return _("Approved: the applicant was asked for the supplement.")


@_performs("reject_supplement")
def _reject_supplement(user, dossier, data, version):
    services.reject_supplement_request(
        request=data["request"], supervisor=user, note=data["note"], expected_version=version
    )
    return _("The supplement request was not approved.")


@_performs("transfer")
def _transfer(user, dossier, data, version):
    dossier = services.transfer(
        dossier=dossier,
        by=user,
        to_agency=data["to_agency"],
        assignee=data["assignee"],
        note=data["note"],
        expected_version=version,
    )
    return _("Transferred to %(agency)s.") % {"agency": dossier.handling_agency.name}


@_performs("assign")
def _assign(user, dossier, data, version):
    services.assign(dossier=dossier, by=user, assignee=data["assignee"], expected_version=version)
    return _("Assigned to %(name)s.") % {"name": data["assignee"].get_full_name()}


@_performs("approve")
def _approve(user, dossier, data, version):
    services.approve(
        dossier=dossier,
        officer=user,
        result_file=data["result_file"],
        note=data["note"],
        expected_version=version,
    )
    return _("Approved: the result is attached.")


@_performs("apology")
def _apology(user, dossier, data, version):
    services.issue_apology(
        dossier=dossier,
        by=user,
        new_due_date=data["new_due_date"],
        reason=data["reason"],
        signed_by=data["signed_by"],
        expected_version=version,
    )
    return _("The apology was issued; the new appointment date applies.")


@require_http_methods(["GET", "POST"])
@staff_only
def act(request, pk, action):
    """One action on a dossier. Invalid input or a rule the service enforces: the page again with the
    message, nothing applied. A stale page: 409, nothing applied. Not allowed for this user: 403.
    GET: the action's form alone, on its own page, or only the form (?part=form) for the page's folded
    action opened (static/js/staff.js)."""
    if action not in ACTION_FORMS:
        raise Http404
    dossier = visible_dossier(request.user, pk)
    if request.method == "GET":
        return _action_page(request, dossier, action)
    form = ACTION_FORMS[action](request.POST, request.FILES, dossier=dossier, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        messages.error(request, _("Check what you entered: nothing was changed."))
        return _detail(request, dossier, bound=(action, form), status=400)
    if action in CONFIRMED_ACTIONS and not form.cleaned_data["confirmed"]:
        return _confirm(request, dossier, action, form)
    try:
        message = _perform(action, request.user, dossier, form.cleaned_data)
    except services.DossierChanged:
        return _stale(request, dossier)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _detail(request, visible_dossier(request.user, pk), bound=(action, form), status=400)
    messages.success(request, message)
    return redirect("staff:detail", dossier.pk)


def _stale(request, dossier: Dossier, *, alone: bool = False):
    """409: someone else changed the dossier since the page was loaded; the page to reload (`alone`: only
    the notice, for a folded action of that page)."""
    template = "dossiers/staff/_stale_notice.html" if alone else "dossiers/staff/conflict.html"
    context = {"dossier": dossier, "message": str(services.DossierChanged())}
    return render(request, template, context, status=409)


def _action_page(request, dossier: Dossier, name: str):
    """A folded action's form (staff._action). `version`: the dossier's version on the page it was opened
    from; changed since, the page is stale and the form is not given (409, as its POST would be)."""
    alone = request.GET.get("part") == "form"
    shown = request.GET.get("version")
    if shown is not None and shown != str(dossier.lock_version):
        return _stale(request, dossier, alone=alone)
    allowed = policies.allowed_actions(dossier, request.user)
    if name not in allowed:
        raise PermissionDenied(_("You may not do this on this dossier."))
    action = _action(request, dossier, name, primary=_primary_action(dossier, allowed), unfolded=True)
    if alone:
        return render(request, "dossiers/staff/_action_form.html", {"action": action})
    return render(
        request,
        "dossiers/staff/action.html",
        {"dossier": dossier, "version": dossier.procedure_version, "action": action},
    )


def _digitise(
    request, dossier: Dossier, documents: list[DossierDocument], bound: DigitiseForm | None = None
) -> dict | None:
    """Số hóa at intake, for a clerk who may digitise this dossier now (None otherwise, or when the
    procedure asks for no paper): the procedure's slots, each with the copies attested in it so far, and one
    form (the slot, the scan, the attestation) that offers first the next slot with no attested copy."""
    if not policies.may_digitise(request.user, dossier):
        return None
    slots = _digitise_slots(dossier, documents)
    if not slots:
        return None
    choices = _digitise_choices(slots)
    if bound is None:
        next_slot = next((slot for slot in slots if not slot["attested"]), slots[0])
        bound = DigitiseForm(
            slots=choices, initial={"required_document": next_slot["required"].pk}, auto_id="id_digitise_%s"
        )
    else:  # a form sent back with its errors: its list says which slots hold a copy, as the page does
        bound.fields["required_document"].choices = choices
    return {"slots": slots, "form": bound}


def _digitise_slots(dossier: Dossier, documents: list[DossierDocument]) -> list[dict]:
    attested: dict[int | None, list[DossierDocument]] = {}
    for document in documents:
        if document.kind == DossierDocument.Kind.APPLICATION and document.stored_file.attested_at:
            attested.setdefault(document.required_document_id, []).append(document)
    return [
        {"required": required, "attested": attested.get(required.pk, [])}
        for required in catalogue.required_documents_of(dossier.procedure_version)
    ]


def _digitise_choices(slots: list[dict]) -> list[tuple[int, str]]:
    return [
        (
            slot["required"].pk,
            _("%(name)s (digitised)") % {"name": slot["required"].name}
            if slot["attested"]
            else slot["required"].name,
        )
        for slot in slots
    ]


@require_POST
@staff_only
def digitise(request, pk):
    """A clerk scans a paper brought to the desk into its slot and attests the copy
    (services.digitise_document)."""
    dossier = visible_dossier(request.user, pk)
    if not policies.may_digitise(request.user, dossier):
        raise PermissionDenied(_("You may not do this on this dossier."))
    slots = catalogue.required_documents_of(dossier.procedure_version)
    slot = request.POST.get("required_document", "")
    required = next((each for each in slots if str(each.pk) == slot), None)
    form = DigitiseForm(
        request.POST, request.FILES, slots=[(each.pk, each.name) for each in slots], auto_id="id_digitise_%s"
    )
    if required is None:
        messages.error(request, _("This document is not part of this procedure."))
        return redirect("staff:detail", dossier.pk)
    if form.is_valid():
        try:
            document = services.digitise_document(
                dossier=dossier,
                required_document=required,
                uploaded=form.cleaned_data["file"],
                clerk=request.user,
                attested=form.cleaned_data["attested"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("Digitised and attested: %(name)s.") % {"name": required.name},
            )
            return redirect(
                reverse("staff:detail", args=[dossier.pk]) + f"#digitise-{document.required_document_id}"
            )
    messages.error(request, _("Check what you entered: nothing was changed."))
    return _detail(request, dossier, digitise_form=form, status=400)


def _confirm(request, dossier: Dossier, action: str, form):
    """The second step of an action that ends the dossier: what it will do, the reason as typed, then
    "confirm" (the same form again, with `confirmed`) or "change it" (back to the page, nothing lost)."""
    if action not in policies.allowed_actions(dossier, request.user):
        raise PermissionDenied(_("You may not do this on this dossier."))
    if "edit" in request.POST:
        return _detail(request, dossier, bound=(action, form))
    return render(
        request,
        "dossiers/staff/confirm.html",
        {
            "dossier": dossier,
            "action": action,
            "label": ACTION_LABELS[action],
            "consequence": CONFIRM_CONSEQUENCES[action],
            "form": form,
            "url": reverse("staff:act", args=[dossier.pk, action]),
        },
    )


# --- registration at the desk -----------------------------------------------------------------------------
@staff_only
def desk(request, agency_code):
    """A dossier brought to the desk or sent by post: the clerk files it for the applicant, papers
    scanned and attached; then checks the originals and receives it on the dossier's page."""
    agency = member_agency(request.user, agency_code)
    if request.user.role != Role.CLERK:
        raise PermissionDenied(_("Only one-stop-shop clerks register dossiers at the desk."))
    chooser = DeskProcedureForm(request.GET if "version" in request.GET else None, agency=agency)
    version = chooser.cleaned_data["version"] if chooser.is_bound and chooser.is_valid() else None
    form = None
    if version is not None:
        posted = request.method == "POST"
        form = DeskForm(request.POST if posted else None, request.FILES if posted else None, version=version)
        if posted and form.is_valid():
            # No level-of-assurance gate here (unlike the citizen's online filing): the clerk checks the
            # applicant's ID card in person, which is more than VNeID level 2 proves.
            try:
                dossier = services.register_at_desk(
                    version=version,
                    clerk=request.user,
                    receiving_agency=agency,
                    channel=form.cleaned_data["channel"],
                    applicant=form.applicant,
                    details=form.details(),
                    uploads=form.uploads(),
                    attested=form.cleaned_data["attest_copies"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Registered as %(code)s. Check the papers and receive it.") % {"code": dossier.code},
                )
                return redirect("staff:detail", dossier.pk)
    return render(
        request,
        "dossiers/staff/desk.html",
        {"agency": agency, "chooser": chooser, "version": version, "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


# --- the tracking register --------------------------------------------------------------------------------
def _register_rows(request, agency):
    filters = RegisterFilterForm(request.GET or None)
    return filters, selectors.register(request.user, agency, **filters.filters())


@require_GET
@staff_only
@reads_lag_tolerant
def register(request, agency_code):
    agency = member_agency(request.user, agency_code)
    filters, dossiers = _register_rows(request, agency)
    page = Paginator(dossiers, REGISTER_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/staff/register.html",
        {
            "agency": agency,
            "filters": filters,
            "page": page,
            "start": page.start_index(),
            "query": query.urlencode(),
            "form": RuleSet.in_force_on(clock.localdate()).form("register"),
        },
    )


@require_GET
@staff_only
@reads_lag_tolerant
def register_xlsx(request, agency_code):
    agency = member_agency(request.user, agency_code)
    _filters, dossiers = _register_rows(request, agency)
    content = register_export.workbook(agency, dossiers)
    name = f"so-theo-doi-ho-so-{agency.code}-{clock.localdate():%Y%m%d}.xlsx"
    return private_download(content, filename=name, content_type=XLSX)
