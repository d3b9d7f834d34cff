"""The citizen's pages: start filing, the wizard, submit, "my dossiers", a dossier, supplements, withdrawal.

Every page finds the dossier through `Dossier.objects.owned_by(user)`: another person's pk is a 404.
Every change goes through `dossiers.services`; a ValidationError from a service is shown where it belongs.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import simple_mode
from accounts.identity import current_loa
from common import clock
from common.decorators import citizen_only
from common.kept import kept
from procedures import selectors as catalogue
from procedures.models import Agency, FeePaymentStage

from .. import document_kinds, fee_lines, panels, selectors, services, slips
from ..forms import (
    ApplicantForm,
    DeliveryForm,
    DetailsForm,
    StartForm,
    SupplementAnswerForm,
    UploadForm,
    WithdrawForm,
    use_plain_words,
)
from ..models import (
    BEFORE_DECISION,
    DocumentAccess,
    Dossier,
    DossierDocument,
    ReturnChannel,
    State,
    StoredFile,
    SupplementRequest,
)
from ..timeline import plain_timeline
from .access_log import labelled

STEPS = [
    ("applicant", gettext_lazy("Your details")),
    ("details", gettext_lazy("Your request")),
    ("documents", gettext_lazy("Documents")),
    ("delivery", gettext_lazy("Receiving the result")),
    ("review", gettext_lazy("Check and file")),
]
STEP_NAMES = [name for name, _label in STEPS]
MY_DOSSIERS_PER_PAGE = 20
OTHER_FILES_PER_SLOT = 10
ACCESSES_ON_DOSSIER_PAGE = 10
RESULT_STATES = {State.APPROVED, State.RESULT_READY, State.RETURNED}
# The appointment date means something to the applicant only while it runs (paused during a supplement).


def _posted(request):
    """The form data of a POST (even an empty one), None on GET."""
    return request.POST if request.method == "POST" else None


# --- what the citizen sees about a dossier ------------------------------------------------------------------
def _at(value) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y") if value else ""


def next_action(dossier: Dossier) -> str:
    """What the citizen has to do next, in a few words (empty when nothing)."""
    state = dossier.state
    if state == State.DRAFT:
        return _("Finish filling it in and file it")
    if state == State.SUPPLEMENT_REQUESTED:
        return _("Add the missing documents")
    if state == State.SUBMITTED and not dossier.fees_ready_for_receipt():
        return _("Pay the fees online: the one-stop shop receives the dossier once they are paid")
    if state == State.SUBMITTED and dossier.intake_answer_late():
        # Never promise a time already past: say the answer is late and whom to call.
        return _("The one-stop shop's answer is late (it was due by %(time)s): call it if you need to") % {
            "time": _at(dossier.intake_deadline)
        }
    if state == State.SUBMITTED:
        return _("Nothing to do: the one-stop shop answers by %(time)s") % {
            "time": _at(dossier.intake_deadline)
        }
    if (
        state in {State.RECEIVED, State.IN_PROGRESS, State.APPROVED, State.RESULT_READY}
        and not dossier.fees_ready_for_return()
        and not dossier.fees_collected_on_delivery()
    ):
        return _("Pay the fees online: the result is handed over once they are paid")
    if state in {State.RECEIVED, State.IN_PROGRESS, State.APPROVED}:
        return _("Nothing to do: wait for the result")
    if state == State.RESULT_READY:
        return {
            ReturnChannel.DESK: _("Collect the result at the one-stop-shop desk"),
            ReturnChannel.POST: _("The result is on its way by post"),
            ReturnChannel.ELECTRONIC: _("Download the result"),
        }.get(dossier.return_channel, "")
    if state in {State.REFUSED, State.DENIED, State.STOPPED}:
        return _("Read the reason")
    return ""


@dataclass(frozen=True)
class StepLink:
    name: str
    label: str
    url: str
    done: bool
    current: bool
    number: int


def _steps_done(dossier: Dossier, attached_slots: set[int], required_documents, fees) -> dict[str, bool]:
    """A display hint for the step list only; what blocks filing is services.problems_before_submit. A step
    is done once the applicant has saved it and what it holds is complete: a prefilled or default answer
    (the profile's name, the first way of returning the result) is not one the applicant gave."""
    channels = dossier.procedure_version.return_channels
    saved = set(dossier.steps_saved)
    questions = fee_lines.questions(fees)
    return {
        "applicant": "applicant" in saved
        and bool(dossier.applicant_name.strip())
        and bool(dossier.applicant_phone or dossier.applicant_email),
        "details": "details" in saved and DetailsForm(data=dossier.form_data, questions=questions).is_valid(),
        "documents": "documents" in saved
        and all(d.pk in attached_slots for d in required_documents if d.is_required),
        "delivery": "delivery" in saved
        and dossier.return_channel in channels
        and (dossier.return_channel != ReturnChannel.POST or bool(dossier.delivery_address.strip())),
        "review": False,
    }


def _step_links(dossier: Dossier, current: str, done: dict[str, bool]) -> list[StepLink]:
    return [
        StepLink(
            name=name,
            label=str(label),
            url=reverse("dossiers:wizard", args=[dossier.pk, name]),
            done=done.get(name, False),
            current=name == current,
            number=index,
        )
        for index, (name, label) in enumerate(STEPS, start=1)
    ]


def _application_documents(dossier: Dossier) -> list[DossierDocument]:
    return list(
        dossier.documents.filter(kind=DossierDocument.Kind.APPLICATION).select_related(
            "stored_file", "required_document"
        )
    )


# --- the slots where files are attached (wizard step "documents" and the supplement page) -------------------
@dataclass
class Slot:
    """One place to attach files: a required document of the procedure, or "other" (None)."""

    key: str
    required_document: object | None
    name: str
    is_required: bool
    documents: list
    matching_files: list
    other_files: list
    form: UploadForm
    offer: StoredFile | None = None  # pre-attached from the data store: its kind, valid, newest


def _build_slots(user, required_documents, documents, *, with_other: bool = False) -> list[Slot]:
    """Each slot offers the data store's valid files of the kind of document it asks for first
    (`document_kinds.slot_takes`), then a few others behind "Use a file from your data store"; an empty
    slot naming a document kind the store holds is pre-attached (`offer`, confirmed in one click)."""
    files = selectors.reusable_files(user)
    today = timezone.localdate(clock.now())
    offers = selectors.store_offers(files, required_documents, documents, today)
    entries = [(str(d.pk), d) for d in required_documents]
    # "Other": what a request describes in words only, or an extra file the applicant wants to add.
    other_name = _("Another document (optional)") if entries else _("Attach what was asked for")
    if with_other:
        entries.append(("other", None))
    slots = []
    for key, required in entries:
        in_slot = [d for d in documents if d.required_document_id == (required.pk if required else None)]
        used_pks = {d.stored_file_id for d in in_slot}
        used_contents = {d.stored_file.sha256 for d in in_slot}
        free = [f for f in files if f.pk not in used_pks and f.sha256 not in used_contents]
        name = required.name if required else ""
        matching = [
            f for f in free if required and f.is_valid_on(today) and document_kinds.slot_takes(f, required)
        ]
        others = [f for f in free if f not in matching][:OTHER_FILES_PER_SLOT]
        slots.append(
            Slot(
                key=key,
                required_document=required,
                name=name or other_name,
                is_required=bool(required and required.is_required),
                documents=in_slot,
                matching_files=matching,
                other_files=others,
                form=UploadForm(prefix=f"slot-{key}"),
                offer=offers.get(required.pk) if required else None,
            )
        )
    return slots


def _document_action(request, dossier: Dossier, slots: list[Slot], kind: str) -> bool:
    """Upload, reuse or remove a file in one slot, or take the pre-attached papers. True when done (the
    caller redirects); on a refusal the message is put on the slot's form, next to the slot."""
    action = request.POST.get("action")
    if action == "remove":
        return _remove_document(request, dossier, kind)
    if action == "use_offers" and kind == DossierDocument.Kind.APPLICATION:
        return _use_offers(request, dossier, slots)
    slot = next((s for s in slots if s.key == request.POST.get("slot")), None)
    if slot is None:
        messages.error(request, _("This document is not part of this procedure."))
        return True
    slot.form = UploadForm(request.POST, request.FILES, prefix=f"slot-{slot.key}")
    if not slot.form.is_valid():
        return False
    if action == "upload":
        return _upload_into(request, dossier, slot, kind)
    if action == "reuse":
        return _reuse_into(request, dossier, slot, kind)
    messages.error(request, _("Choose what to do with the file."))
    return True


def _remove_document(request, dossier: Dossier, kind: str) -> bool:
    document = dossier.documents.filter(pk=request.POST.get("document") or 0, kind=kind).first()
    if document is None:
        return True  # already gone (a second click): nothing to do
    try:
        services.remove_document(document=document, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed: %(name)s.") % {"name": document.stored_file.original_name})
    return True


def _upload_into(request, dossier: Dossier, slot: Slot, kind: str) -> bool:
    if not slot.form.cleaned_data["file"]:
        slot.form.add_error("file", _("Choose a file to upload."))
        return False
    try:
        added = services.attach_upload(
            dossier=dossier,
            required_document=slot.required_document,
            uploaded=slot.form.cleaned_data["file"],
            by=request.user,
            kind=kind,
        )
    except ValidationError as error:
        slot.form.add_error("file", error)
        return False
    messages.success(request, _("Attached: %(name)s.") % {"name": added.stored_file.original_name})
    return True


def _reuse_into(request, dossier: Dossier, slot: Slot, kind: str) -> bool:
    stored = StoredFile.objects.filter(owner=request.user, pk=request.POST.get("stored_file") or 0).first()
    if stored is None:
        slot.form.add_error("file", _("This file is not in your data store."))
        return False
    try:
        services.reuse_stored_file(
            dossier=dossier,
            required_document=slot.required_document,
            stored_file=stored,
            by=request.user,
            kind=kind,
        )
    except PermissionDenied as error:
        slot.form.add_error("file", str(error))
        return False
    except ValidationError as error:
        slot.form.add_error("file", error)
        return False
    messages.success(request, _("Added from your files: %(name)s.") % {"name": stored.original_name})
    return True


def _use_offers(request, dossier: Dossier, slots: list[Slot]) -> bool:
    """ "Dùng các giấy tờ này": the papers the page showed pre-attached (slot:file pairs, as seen), each
    checked again by the service; nothing is typed or uploaded."""
    by_key = {slot.key: slot for slot in slots if slot.required_document is not None}
    wanted = {}
    for pick in request.POST.getlist("pick"):
        key, _sep, stored_pk = pick.partition(":")
        if key in by_key and stored_pk.isdigit():
            wanted[key] = int(stored_pk)
    stored_files = StoredFile.objects.filter(owner=request.user, pk__in=wanted.values()).in_bulk()
    picks = [
        (by_key[key].required_document, stored_files[pk]) for key, pk in wanted.items() if pk in stored_files
    ]
    if not picks:
        messages.error(request, _("Choose the documents to use from your data store."))
        return True
    try:
        added = services.attach_from_store(dossier=dossier, picks=picks, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return True
    messages.success(
        request,
        ngettext(
            "%(count)s document taken from your data store.",
            "%(count)s documents taken from your data store.",
            len(added),
        )
        % {"count": len(added)},
    )
    return True


# --- start filing -------------------------------------------------------------------------------------------
@citizen_only
def start(request, national_code):
    """The "File online" button of a catalogue entry. GET explains and offers a draft to continue;
    POST creates the draft (or continues the existing one unless a second one is asked for)."""
    version = catalogue.published_version_of(national_code)
    if version is None:
        raise Http404
    agencies = services.receiving_agencies_for(version)
    preferred = services.preferred_agency(
        version, request.user, agencies, services.last_filing_of(version, request.user)
    )
    form = StartForm(
        _posted(request),
        agencies=Agency.objects.filter(pk__in=[agency.pk for agency in agencies]),
        initial={"receiving_agency": preferred.pk if preferred else None},
    )
    drafts = list(
        Dossier.objects.owned_by(request.user)
        .filter(procedure_version=version, state=State.DRAFT)
        .order_by("-updated_at")
    )
    assurance = current_loa(request)
    refusal = _assurance_refusal(version, assurance)
    if request.method == "POST" and form.is_valid():
        if drafts and request.POST.get("start_new") != "1":
            messages.info(request, _("You already started this dossier: continue where you left off."))
            return redirect("dossiers:wizard", drafts[0].pk, "applicant")
        try:
            dossier = services.start_draft(
                version=version,
                applicant=request.user,
                receiving_agency=form.cleaned_data.get("receiving_agency"),
                assurance=assurance,
            )
        except services.AssuranceTooLow as error:
            refusal = error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("dossiers:wizard", dossier.pk, "applicant")
    return render(
        request,
        "dossiers/citizen/start.html",
        {
            "version": version,
            "form": form,
            "drafts": drafts,
            "can_file": bool(agencies),
            "assurance_refusal": refusal,
            "sign_in_again": _sign_in_again(request.path),
        },
        status=403 if refusal is not None and request.method == "POST" else 200,
    )


# Where a citizen is sent when a procedure needs a stronger sign-in: the sign-in page (after signing out),
# whose first button is "Đăng nhập bằng VNeID" (allauth starts a provider sign-in by POST only).
NATIONAL_SIGN_IN_URL_NAME = "account_login"


def _assurance_refusal(version, assurance: int) -> "services.AssuranceTooLow | None":
    """Why this sign-in may not file the version online (shown before the citizen begins), or None."""
    try:
        services.check_assurance(version, assurance)
    except services.AssuranceTooLow as refusal:
        return refusal
    return None


def _sign_in_again(back_to: str) -> str:
    """Where "sign in again through VNeID" leads (after signing out), coming back to `back_to`."""
    return f"{reverse(NATIONAL_SIGN_IN_URL_NAME)}?{urlencode({'next': back_to})}"


# --- the wizard ---------------------------------------------------------------------------------------------
@citizen_only
def wizard(request, pk, step):
    dossier = selectors.own_dossier(request.user, pk)
    if step not in STEP_NAMES:
        raise Http404
    if not dossier.is_draft:
        messages.info(request, _("This dossier has been filed: it can no longer be changed."))
        return redirect("dossiers:detail", dossier.pk)
    handler = {
        "applicant": _applicant_step,
        "details": _details_step,
        "documents": _documents_step,
        "delivery": _delivery_step,
        "review": _review_step,
    }[step]
    return handler(request, dossier)


def _next_step_url(dossier: Dossier, step: str) -> str:
    following = STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]
    return reverse("dossiers:wizard", args=[dossier.pk, following])


@dataclass(frozen=True)
class Question:
    """Simple mode: a wizard step asks one question (a field, or a document slot) per page, `?q=` from 0."""

    index: int
    count: int
    back_url: str

    @property
    def number(self) -> int:
        return self.index + 1


def _step_url(dossier: Dossier, step: str, question: int | str | None = None) -> str:
    url = reverse("dossiers:wizard", args=[dossier.pk, step])
    return url if question is None else f"{url}?q={question}"


def _question(request, dossier: Dossier, step: str, count: int) -> Question:
    """The question the page asks: `?q=` is its number within the step, or "last"; anything else is the
    first."""
    last = max(count - 1, 0)
    raw = request.GET.get("q", "")
    index = last if raw == "last" else int(raw) if raw.isdigit() and len(raw) < 4 else 0
    index = min(index, last)
    step_index = STEP_NAMES.index(step)
    if index:
        back_url = _step_url(dossier, step, index - 1)
    elif step_index:
        back_url = _step_url(dossier, STEP_NAMES[step_index - 1], "last")
    else:
        back_url = ""
    return Question(index=index, count=count, back_url=back_url)


def _question_step(request, dossier, step, *, questions_of, make_form, saved, changes_for, context=None):
    """Simple mode: one field of the step's form per page. The answer is checked with the step's other
    answers as saved and stored at once, so leaving loses nothing; then the next question, and after the
    last one the next step (which marks this step saved)."""
    names = questions_of(dossier)
    question = _question(request, dossier, step, len(names))
    name = names[question.index]
    if request.method == "POST":
        data = {key: "" if value is None else value for key, value in saved.items()}
        data[name] = request.POST.get(name, "")
        form = use_plain_words(make_form(data))
        form.is_valid()
        if name not in form.errors and _save_draft(
            request, dossier, form, "", **changes_for(name, form.cleaned_data[name])
        ):
            dossier.refresh_from_db()
            if question.index + 1 < len(questions_of(dossier)):
                return redirect(_step_url(dossier, step, question.index + 1))
            if _save_draft(request, dossier, form, step):
                return redirect(_next_step_url(dossier, step))
    else:
        form = use_plain_words(make_form(None))
    return _render_step(
        request,
        dossier,
        step,
        {**(context or {}), "form": form, "field": form[name], "question": question},
        status=400 if form.errors.get(name) or form.non_field_errors() else 200,
        template="dossiers/citizen/wizard_question.html",
    )


def _render_step(request, dossier, step, context, status=200, template=None):
    required_documents = context.get("required_documents")
    if required_documents is None:
        required_documents = list(dossier.procedure_version.documents.all())
    documents = context.get("documents")
    if documents is None:
        documents = _application_documents(dossier)
    fees = context.get("fees")
    if fees is None:
        fees = list(dossier.procedure_version.fees.all())
    attached = {d.required_document_id for d in documents}
    done = _steps_done(dossier, attached, required_documents, fees)
    index = STEP_NAMES.index(step)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "step": step,
        "step_label": dict(STEPS)[step],
        "step_number": index + 1,
        "step_count": len(STEPS),
        "steps": _step_links(dossier, step, done),
        "previous_url": _step_url(
            dossier, STEP_NAMES[index - 1], "last" if simple_mode.is_on(request) else None
        )
        if index
        else "",
        **context,
    }
    return render(request, template or f"dossiers/citizen/wizard_{step}.html", context, status=status)


def _save_draft(request, dossier, form, step, **changes) -> bool:
    try:
        services.update_draft(dossier=dossier, by=request.user, saved_step=step, **changes)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _applicant_step(request, dossier):
    initial = {name: getattr(dossier, name) for name in ApplicantForm.base_fields}
    if simple_mode.is_on(request):
        return _question_step(
            request,
            dossier,
            "applicant",
            questions_of=lambda dossier: list(ApplicantForm.base_fields),
            make_form=lambda data: ApplicantForm(data, initial=initial),
            saved=initial,
            changes_for=lambda name, value: {name: value},
            context={"lead": _("Check your details. Correct what is wrong.")},
        )
    form = ApplicantForm(_posted(request), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_draft(request, dossier, form, "applicant", **form.cleaned_data)
    ):
        return redirect(_next_step_url(dossier, "applicant"))
    return _render_step(
        request,
        dossier,
        "applicant",
        {"form": form, "has_profile": hasattr(request.user, "profile")},
        status=400 if form.errors else 200,
    )


def _details_step(request, dossier):
    fees = list(dossier.procedure_version.fees.all())
    questions = fee_lines.questions(fees)
    names = [*DetailsForm.base_fields, *(question.field for question in questions)]
    initial = {name: dossier.form_data.get(name) for name in names if dossier.form_data.get(name)}
    if simple_mode.is_on(request):
        return _question_step(
            request,
            dossier,
            "details",
            questions_of=lambda dossier: names,
            make_form=lambda data: DetailsForm(data, initial=initial, questions=questions),
            saved={name: dossier.form_data.get(name) for name in names},
            changes_for=lambda name, value: {"form_data": {**dossier.form_data, name: value}},
            context={"fees": fees},
        )
    form = DetailsForm(_posted(request), initial=initial, questions=questions)
    if request.method == "POST" and form.is_valid():
        form_data = {**dossier.form_data, **form.cleaned_data}
        if _save_draft(request, dossier, form, "details", form_data=form_data):
            return redirect(_next_step_url(dossier, "details"))
    return _render_step(
        request, dossier, "details", {"form": form, "fees": fees}, status=400 if form.errors else 200
    )


def _documents_step(request, dossier):
    required_documents = list(dossier.procedure_version.documents.all())
    documents = _application_documents(dossier)
    slots = _build_slots(request.user, required_documents, documents)
    # Simple mode: one document slot per page; its files are saved as they are attached.
    question = _question(request, dossier, "documents", len(slots)) if simple_mode.is_on(request) else None
    if request.method == "POST" and request.POST.get("action") == "continue":
        if question is not None and question.index + 1 < question.count:
            return redirect(_step_url(dossier, "documents", question.index + 1))
        try:
            services.update_draft(dossier=dossier, by=request.user, saved_step="documents")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_next_step_url(dossier, "documents"))
    if request.method == "POST" and _document_action(
        request, dossier, slots, DossierDocument.Kind.APPLICATION
    ):
        anchor = f"#slot-{request.POST.get('slot')}" if request.POST.get("slot") else ""
        here = _step_url(dossier, "documents", question.index if question else None)
        return redirect(here + anchor)
    failed = any(slot.form.errors for slot in slots)
    if question is not None and slots:
        slots = [slots[question.index]]
    offered = [slot for slot in slots if slot.offer is not None]
    return _render_step(
        request,
        dossier,
        "documents",
        {
            "slots": slots,
            "offered": offered,
            "question": question,
            "documents": documents,
            "required_documents": required_documents,
            "max_bytes": settings.DOSSIER_UPLOAD_MAX_BYTES,
            "max_megabytes": settings.DOSSIER_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=400 if failed else 200,
    )


def _delivery_step(request, dossier):
    version = dossier.procedure_version
    agencies = services.receiving_agencies_for(version)
    initial = {
        "return_channel": dossier.return_channel,
        "delivery_address": dossier.delivery_address,
        "receiving_agency": dossier.receiving_agency_id,
    }
    agency_choices = Agency.objects.filter(pk__in=[agency.pk for agency in agencies])
    if simple_mode.is_on(request):
        # The office was chosen when filing started; changing it stays on the full page.
        return _question_step(
            request,
            dossier,
            "delivery",
            questions_of=lambda dossier: (
                ["return_channel"]
                + (["delivery_address"] if dossier.return_channel == ReturnChannel.POST else [])
            ),
            make_form=lambda data: DeliveryForm(
                data, initial=initial, channels=version.return_channels, agencies=agency_choices
            ),
            saved=initial,
            changes_for=lambda name, value: {name: value.strip() if name == "delivery_address" else value},
            context={"show_office": True},
        )
    form = DeliveryForm(
        _posted(request),
        initial=initial,
        channels=version.return_channels,
        agencies=agency_choices,
    )
    if request.method == "POST" and form.is_valid():
        changes = {"return_channel": form.cleaned_data["return_channel"]}
        if "delivery_address" in form.fields:
            changes["delivery_address"] = form.cleaned_data["delivery_address"].strip()
        if form.cleaned_data.get("receiving_agency"):
            changes["receiving_agency"] = form.cleaned_data["receiving_agency"]
        if _save_draft(request, dossier, form, "delivery", **changes):
            return redirect(_next_step_url(dossier, "delivery"))
    return _render_step(
        request,
        dossier,
        "delivery",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _review_step(request, dossier, problems=None, status=200):
    version = dossier.procedure_version
    fees = list(version.fees.all())
    if problems is None:
        problems = services.problems_before_submit(dossier, fees)
    lines = [line for line in fee_lines.lines(fees, online=True, form_data=dossier.form_data) if line.units]
    fee_total = fee_lines.total(lines)
    return _render_step(
        request,
        dossier,
        "review",
        {
            "problems": problems,
            "assurance_refusal": _assurance_refusal(version, current_loa(request)),
            "sign_in_again": _sign_in_again(reverse("dossiers:wizard", args=[dossier.pk, "review"])),
            "required_documents": list(version.documents.all()),
            "documents": _application_documents(dossier),
            "intake_hours": settings.INTAKE_ANSWER_WORKING_HOURS,
            "return_channel_label": ReturnChannel(dossier.return_channel).label,
            "fees": fees,
            "fee_lines": lines,
            "fee_total": fee_total,
            "answers": [
                (question.label, fee_lines.answer_of(dossier.form_data, question.field))
                for question in fee_lines.questions(fees)
            ],
            # Fees due at filing: the dossier reaches the one-stop shop once they are paid, not at once.
            "pays_before_intake": fee_total > 0 and version.fee_payment_stage == FeePaymentStage.AT_FILING,
        },
        status=status,
    )


@citizen_only
@require_POST
def submit(request, pk):
    """File the dossier. On a problem the review page comes back with the list; nothing is filed. The
    service reads and locks the row once (someone else's dossier is a 404, as on every citizen page)."""
    try:
        dossier = services.submit(dossier=pk, by=request.user, assurance=current_loa(request))
    except (Dossier.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except services.AlreadyFiled:
        messages.info(request, _("This dossier has already been filed."))
        return redirect("dossiers:detail", pk)
    except services.AssuranceTooLow:
        # The page says why and how to sign in again.
        return _review_step(request, selectors.own_dossier(request.user, pk), status=403)
    except ValidationError as error:
        return _review_step(
            request, selectors.own_dossier(request.user, pk), problems=error.messages, status=400
        )
    messages.success(request, _filed_message(dossier))
    return redirect("dossiers:detail", dossier.pk)


def _filed_message(dossier: Dossier) -> str:
    """What filing did. The 8 working hours start when the one-stop shop can act: at once, or once the
    fees due at filing are paid (then there is no time to give yet: the next action says "pay")."""
    if dossier.intake_deadline is None:
        return _(
            "Your dossier was filed. Its code is %(code)s. One step is left: pay the fees, just below."
        ) % {"code": dossier.code}
    return _(
        "Your dossier was filed. Its code is %(code)s. The one-stop shop answers within "
        "%(hours)s working hours, by %(deadline)s: it receives the dossier or tells you exactly what "
        "is missing."
    ) % {
        "code": dossier.code,
        "hours": settings.INTAKE_ANSWER_WORKING_HOURS,
        "deadline": _at(dossier.intake_deadline),
    }


# --- my dossiers, one dossier -------------------------------------------------------------------------------
@citizen_only
def my_dossiers(request):
    """The citizen's dossiers, newest first. The list is kept in the cache per citizen, page and language
    under a fingerprint of the dossiers they may see (selectors.my_dossiers_fingerprint: one aggregate
    query), so any change to one of them, a draft deleted, an authorisation ending or an answer falling
    late is shown at once; at most MY_DOSSIERS_CACHE_SECONDS old for a name changed on someone's account."""
    fingerprint = selectors.my_dossiers_fingerprint(request.user)
    asked = request.GET.get("page", "")

    def build() -> str:
        paginator = Paginator(selectors.my_dossiers(request.user), MY_DOSSIERS_PER_PAGE)
        paginator.count = fingerprint.dossiers  # already counted: no second COUNT
        page = paginator.get_page(asked)
        rows = [(dossier, next_action(dossier)) for dossier in page]
        return render_to_string("dossiers/citizen/_mine.html", {"page": page, "rows": rows}, request)

    parts = (request.user.pk, get_language(), asked, fingerprint)
    content = kept("dossiers:mine", parts, build, settings.MY_DOSSIERS_CACHE_SECONDS)
    return render(request, "dossiers/citizen/mine.html", {"content": content})


def _slip_links(dossier: Dossier, has_supplement: bool, has_apology: bool) -> list[dict]:
    """Links to the slips that exist for this dossier (the processing control slip is the staff's: the
    applicant reads the same steps as the timeline in plain words)."""
    kinds = [
        kind
        for kind in slips.available_kinds(dossier, has_supplement=has_supplement, has_apology=has_apology)
        if kind != "control"
    ]
    if not kinds:
        return []
    rule_set = slips.rule_set_for(dossier)
    links = []
    for kind in kinds:
        try:
            url = reverse("staff:slip", args=[dossier.pk, kind])
        except NoReverseMatch:
            continue
        form = rule_set.form(kind)
        label, title = str(slips.SLIP_LABELS[kind]), form.get("title", "")
        # In Vietnamese the slip is called by the legal title of its form set (which changed in 2025); in
        # another language the translated label comes first and the legal title follows.
        if title and get_language() == "vi":
            label, title = title.capitalize(), ""
        legal = " — ".join(part for part in [form.get("number", ""), title.capitalize()] if part)
        links.append({"label": label, "legal": legal if form.get("number") else "", "url": url})
    return links


@citizen_only
def detail(request, pk):
    dossier = selectors.own_dossier(request.user, pk)
    documents = list(dossier.documents.select_related("stored_file", "required_document"))
    requests = list(dossier.supplement_requests.exclude(sent_at__isnull=True).prefetch_related("items"))
    open_request = next((r for r in requests if r.status == SupplementRequest.Status.OPEN), None)
    has_apology = dossier.apologies.exists() if dossier.received_at else False
    accesses = labelled(
        DocumentAccess.objects.of_dossier(dossier)[: ACCESSES_ON_DOSSIER_PAGE + 1], request.user
    )
    next_step_panel = (
        panels.render_first_panel(dossier, "citizen.next_action", request) if dossier.code else ""
    )
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "application_documents": [d for d in documents if d.kind == DossierDocument.Kind.APPLICATION],
        "supplement_documents": [d for d in documents if d.kind == DossierDocument.Kind.SUPPLEMENT],
        "result_documents": (
            [d for d in documents if d.kind == DossierDocument.Kind.RESULT]
            if dossier.state in RESULT_STATES
            else []
        ),
        "open_request": open_request,
        "timeline": plain_timeline(dossier, public=False),
        "slips": _slip_links(dossier, bool(requests), has_apology),
        "can_withdraw": dossier.state in BEFORE_DECISION,
        "next_action": next_action(dossier),
        # The one thing to do, at the top: the dossier's own (finish the draft, add what is asked) or the
        # first an app registered (pay): panels.render_first_panel.
        "has_next_step": bool(dossier.is_draft or open_request or next_step_panel),
        "next_step_panel": next_step_panel,
        "return_channel_label": ReturnChannel(dossier.return_channel).label,
        # Ai đã xem giấy tờ của tôi: the latest opens, the whole list a link away (views.access_log).
        "accesses": accesses[:ACCESSES_ON_DOSSIER_PAGE],
        "more_accesses": len(accesses) > ACCESSES_ON_DOSSIER_PAGE,
    }
    return render(request, "dossiers/citizen/detail.html", context)


# --- answering a supplement request, withdrawing ------------------------------------------------------------
@citizen_only
def answer_supplement(request, pk):
    """Phiếu yêu cầu bổ sung answered online: the requested files, a note, then "Send". No visit."""
    dossier = selectors.own_dossier(request.user, pk)
    supplement = (
        dossier.supplement_requests.filter(status=SupplementRequest.Status.OPEN)
        .prefetch_related("items")
        .first()
    )
    if dossier.state != State.SUPPLEMENT_REQUESTED or supplement is None:
        messages.info(request, _("No supplement is being asked for this dossier."))
        return redirect("dossiers:detail", dossier.pk)
    items = sorted(supplement.items.all(), key=lambda item: (item.position, item.pk))
    added = list(
        dossier.documents.filter(kind=DossierDocument.Kind.SUPPLEMENT, added_at__gte=supplement.sent_at)
        .select_related("stored_file", "required_document")
        .order_by("pk")
    )
    slots = _build_slots(request.user, items, added, with_other=True)
    answer_form = SupplementAnswerForm(request.POST if request.POST.get("action") == "send" else None)
    send_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "send":
            if answer_form.is_valid():
                try:
                    services.answer_supplement(
                        dossier=dossier, by=request.user, note=answer_form.cleaned_data["note"]
                    )
                except ValidationError as error:
                    send_errors = error.messages
                else:
                    messages.success(
                        request,
                        _("Your supplement was sent. The agency continues with your dossier from today."),
                    )
                    return redirect("dossiers:detail", dossier.pk)
            status = 400
        elif _document_action(request, dossier, slots, DossierDocument.Kind.SUPPLEMENT):
            anchor = f"#slot-{request.POST.get('slot')}" if request.POST.get("slot") else ""
            return redirect(reverse("dossiers:answer_supplement", args=[dossier.pk]) + anchor)
        else:
            status = 400
    return render(
        request,
        "dossiers/citizen/supplement.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "supplement": supplement,
            "slots": slots,
            "answer_form": answer_form,
            "send_errors": send_errors,
            "max_bytes": settings.DOSSIER_UPLOAD_MAX_BYTES,
            "max_megabytes": settings.DOSSIER_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@citizen_only
def withdraw(request, pk):
    dossier = selectors.own_dossier(request.user, pk)
    if dossier.state not in BEFORE_DECISION:
        messages.info(request, _("A dossier can be withdrawn only before a decision."))
        return redirect("dossiers:detail", dossier.pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(dossier=dossier, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("You withdrew the dossier %(code)s.") % {"code": dossier.code})
            return redirect("dossiers:detail", dossier.pk)
    return render(request, "dossiers/citizen/withdraw.html", {"dossier": dossier, "form": form})


@citizen_only
def discard_draft(request, pk):
    dossier = selectors.own_dossier(request.user, pk)
    if not dossier.is_draft:
        messages.info(request, _("Only a dossier that was never filed can be deleted."))
        return redirect("dossiers:detail", dossier.pk)
    if request.method == "POST":
        try:
            services.discard_draft(dossier=dossier, by=request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("dossiers:detail", dossier.pk)
        messages.success(request, _("The unfiled dossier was deleted. Your files stay in your data store."))
        return redirect("dossiers:mine")
    return render(request, "dossiers/citizen/discard_draft.html", {"dossier": dossier})
