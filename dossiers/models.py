import datetime
import secrets
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from common import clock
from common.audit import APPEND_ONLY, AppendOnlyModel, AppendOnlyQuerySet
from common.predicates import FieldIs
from procedures.models import (
    Agency,
    DocumentKind,
    FeePaymentStage,
    PartialReason,
    ProcedureVersion,
    RequiredDocument,
)

from .storage import stored_file_storage


class RuleSet(models.Model):
    """The one-stop-shop rules a dossier is received under: forms, slip titles, the code pattern.
    Decided by the date of receipt, so an old dossier still prints its old slips (Decree 118/2025
    replaced Decree 61/2018 on 1 July 2025; Circular 03/2025 replaced Circular 01/2018)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    valid_from = models.DateField(_("in force from"), unique=True)
    dossier_code_pattern = models.CharField(
        _("dossier code pattern"),
        max_length=100,
        default="{agency}-{yymmdd}-{seq:04d}",
        help_text=_("Python format: {agency}, {yymmdd}, {date:%Y}, {seq:04d}."),
    )
    forms = models.JSONField(
        _("forms"),
        help_text=_('Per slip: {"receipt": {"number": "Mẫu số 01", "title": "…"}, …}'),
    )

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self):
        return self.name

    CACHE_KEY = "dossiers:rule-sets"

    @classmethod
    def in_force_on(cls, day) -> "RuleSet":
        """The rule set in force on `day`; before the first one, the first one (a data migration makes it).
        The few rule sets are kept in the cache (each filing asks); saving one forgets them (apps.py)."""
        rule_sets = cache.get(cls.CACHE_KEY)
        if rule_sets is None:
            rule_sets = list(cls.objects.order_by("valid_from"))
            cache.set(cls.CACHE_KEY, rule_sets, 300)
        if not rule_sets:
            raise cls.DoesNotExist("No rule set: migration dossiers.0002 writes them.")
        in_force = [rule_set for rule_set in rule_sets if rule_set.valid_from <= day]
        return in_force[-1] if in_force else rule_sets[0]

    @classmethod
    def forget_cached(cls, **_signal) -> None:
        cache.delete(cls.CACHE_KEY)

    def form(self, slip: str) -> dict:
        return self.forms.get(slip) or {"number": "", "title": slip}


class CalendarException(models.Model):
    """A day the government announced as off (extra holiday) or as a make-up working day (a Saturday)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Checked: a make-up working day. Unchecked: an extra day off.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.note}"


class DossierCodeSequence(models.Model):
    agency_code = models.CharField(max_length=20)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="unique_code_sequence")]

    def __str__(self):
        return f"{self.agency_code} {self.day}: {self.last_value}"


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier state", "Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for the one-stop shop")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Refused")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being processed")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Official records (the register, vouchers) name the state in Vietnamese whatever the UI language.
OFFICIAL_STATE_NAMES = {
    State.DRAFT: "Chưa nộp",
    State.SUBMITTED: "Chờ tiếp nhận",
    State.SUPPLEMENT_REQUESTED: "Chờ bổ sung",
    State.REFUSED: "Từ chối tiếp nhận",
    State.RECEIVED: "Đã tiếp nhận",
    State.IN_PROGRESS: "Đang giải quyết",
    State.APPROVED: "Đã có kết quả",
    State.DENIED: "Từ chối giải quyết",
    State.RESULT_READY: "Chờ trả kết quả",
    State.RETURNED: "Đã trả kết quả",
    State.STOPPED: "Dừng xử lý",
    State.WITHDRAWN: "Rút hồ sơ",
}


BEFORE_DECISION = [State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.RECEIVED, State.IN_PROGRESS]
# Received and the result not yet handed over: the applicant holds an appointment date for the result.
DUE_DATE_STATES = [State.RECEIVED, State.IN_PROGRESS, State.APPROVED, State.RESULT_READY]
CLOSED_STATES = [State.REFUSED, State.DENIED, State.RETURNED, State.STOPPED, State.WITHDRAWN]
# Filed and not closed: the queue's work tabs (and their partial indexes).
OPEN_STATES = [
    State.SUBMITTED,
    State.RECEIVED,
    State.IN_PROGRESS,
    State.SUPPLEMENT_REQUESTED,
    State.APPROVED,
    State.RESULT_READY,
]


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the desk")
    POST = "post", _("By public post")


class ReturnChannel(models.TextChoices):
    DESK = "desk", _("At the one-stop-shop desk")
    POST = "post", _("By public post (BCCI)")
    ELECTRONIC = "electronic", _("Electronically, into my account")


class FeeSettlement(models.TextChoices):
    PAID_ONLINE = "paid_online", _("Paid online")
    PAID_AT_DESK = "paid_at_desk", _("Paid at the desk")
    EXEMPT = "exempt", _("Exempted")
    PAID_ON_DELIVERY = "cod", _("Collected on delivery by the post office")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may see a dossier: its applicant and the person who filed it; staff of the agencies
        that receive or handle it; superusers. Everyone else sees nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_staff_role:
            agencies = user.memberships.values("agency_id")
            of_my_agencies = Q(receiving_agency__in=agencies) | Q(handling_agency__in=agencies)
            return self.filter((of_my_agencies & ~Q(state=State.DRAFT)) | Q(filed_by=user))
        return self.owned_by(user)

    def owned_by(self, user, held: list | tuple | None = None):
        """The citizen's pages: dossiers in their name; those a clerk registered for them at the desk are
        the applicant's too. A helper (ủy quyền) sees what a live authorisation covers and nothing else:
        having filed a dossier for someone gives no access once the authorisation is revoked or expired.
        `held`: the user's live authorisations when the caller has just read them (_live_authorisations_held).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # The helper's live authorisations are read first (almost always none) and turned into plain
        # conditions on indexed columns: a correlated EXISTS inside the OR would make PostgreSQL scan every
        # dossier for every citizen's page.
        condition = Q(applicant=user) | Q(filed_by=user, authorisation__isnull=True)
        if held is None:
            held = _live_authorisations_held(user, self.db)
        for scope, citizen_id, procedure_id, dossier_id in held:
            if scope == Authorisation.Scope.ALL:
                condition |= Q(applicant_id=citizen_id)
            elif scope == Authorisation.Scope.PROCEDURE:
                condition |= Q(applicant_id=citizen_id, procedure_version__procedure_id=procedure_id)
            else:
                condition |= Q(applicant_id=citizen_id, pk=dossier_id)
        return self.filter(condition)


# Authorisation.objects.live(now).held_by(helper) written out, with its parameters in this order: (helper's
# id, "active", now). Every citizen page asks it, and building it cost the ORM three times what PostgreSQL
# takes to answer; tests/dossiers/test_owned_by_sql.py holds it equal to the ORM's for every status and
# expiry.
LIVE_AUTHORISATIONS_HELD_SQL = (
    'SELECT scope, citizen_id, procedure_id, dossier_id FROM "dossiers_authorisation"'
    " WHERE helper_id = %s AND status = %s AND expires_at > %s"
)


def live_authorisations_held_params(user, now: datetime.datetime, connection) -> list:
    return [user.pk, Authorisation.Status.ACTIVE.value, connection.ops.adapt_datetimefield_value(now)]


def _live_authorisations_held(user, alias: str) -> list[tuple[str, int, int | None, int | None]]:
    """(scope, citizen, procedure, dossier) of the authorisations in force that `user` holds, read from the
    database `alias` (the dossiers' own): one indexed query (authorisation by helper), read afresh each time
    so a revocation counts at once."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(
            LIVE_AUTHORISATIONS_HELD_SQL, live_authorisations_held_params(user, clock.now(), connection)
        )
        return cursor.fetchall()


def when(*checks: Callable[["Dossier"], bool]) -> list[Callable[[Any], bool]]:
    """A transition's conditions: django-fsm types them as taking any model, ours take a dossier."""
    return list(checks)


class Dossier(FSMModelMixin, models.Model):
    """One filing of one procedure by one applicant, from draft to the returned result."""

    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    # The three foreign keys below have no index of their own: the indexes of Meta.indexes that start with
    # each serve its lookups (and the PROTECT checks), and every index is one more write on each filing and
    # each step of the procedure.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="dossiers",
        verbose_name=_("applicant's account"),
        help_text=_("Empty for a person without an account who filed at the desk or by post."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_filed",
        verbose_name=_("filed by"),
        help_text=_("The clerk or authorised person who filed for the applicant."),
    )
    # Filed by a helper under this authorisation (ủy quyền): `applicant` is the legal subject, `filed_by`
    # the acting subject.
    authorisation = models.ForeignKey(
        "Authorisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_filed",
        verbose_name=_("authorisation"),
    )
    channel = models.CharField(
        pgettext_lazy("filing channel", "filed"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.ONLINE,
    )
    # What the applicant declared, kept as filed (the profile may change later).
    applicant_name = models.CharField(_("applicant's full name"), max_length=150)
    applicant_id_number = models.CharField(_("personal identification number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    # The wizard steps the applicant saved (a step is shown as done only once they have been through it).
    steps_saved = models.JSONField(default=list, blank=True, editable=False)

    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="received_dossiers",
        verbose_name=_("receiving agency"),
    )
    handling_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="handled_dossiers",
        verbose_name=_("handling agency"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
        verbose_name=_("assigned to"),
    )
    return_channel = models.CharField(
        _("how the result comes back"),
        max_length=12,
        choices=ReturnChannel.choices,
        default=ReturnChannel.DESK,
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    fee_total = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)
    # Set through services.settle_fees / exempt_fees (the payments app calls them); dossiers knows no gateway.
    fees_settled_at = models.DateTimeField(_("fees settled"), null=True, blank=True)
    fees_settlement = models.CharField(
        _("fees settled how"), max_length=12, choices=FeeSettlement.choices, blank=True
    )
    fees_reference = models.CharField(
        _("payment reference"),
        max_length=100,
        blank=True,
        help_text=_("The payment's transaction reference or the desk receipt number."),
    )
    fees_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fees_refunded_at = models.DateTimeField(_("fees refunded"), null=True, blank=True)

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    originals_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    originals_checked_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    intake_deadline = models.DateTimeField(_("answer due by"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_date = models.DateField(_("appointment date"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_working_days_left = models.IntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    result_ready_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)
    # Past its retention period: personal data removed, files in the archive storage (services.retention).
    # A state of the record, not of the processing: `state` keeps the outcome.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, db_index=True, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["receiving_agency", "state", "due_date"]),
            models.Index(fields=["handling_agency", "state", "due_date"]),
            models.Index(fields=["applicant", "-created_at"]),
            # The queue's history tab reads each agency column in filing order (selectors.queue_page).
            models.Index(fields=["receiving_agency", "submitted_at", "id"], name="dossier_received_filed"),
            models.Index(fields=["handling_agency", "submitted_at", "id"], name="dossier_handled_filed"),
            # The API's list of one state (integrations.selectors.dossier_list_branches): that state of an
            # agency's history in filing order, a page read from the index. The index above skipped every row
            # of the other states first: 12,600 rows for one page of "in_progress" in a year of a ward.
            models.Index(
                fields=["receiving_agency", "state", "submitted_at", "id"],
                name="dossier_received_state_filed",
            ),
            models.Index(
                fields=["handling_agency", "state", "submitted_at", "id"], name="dossier_handled_state_filed"
            ),
            # The work tabs: open dossiers only (a few thousand per agency, however long the history), in
            # the default order, so a tab's first page is a short ordered index scan per agency column.
            models.Index(
                fields=["receiving_agency", "due_date", "intake_deadline", "submitted_at", "id"],
                condition=models.Q(state__in=OPEN_STATES),
                name="dossier_received_open",
            ),
            models.Index(
                fields=["handling_agency", "due_date", "intake_deadline", "submitted_at", "id"],
                condition=models.Q(state__in=OPEN_STATES),
                name="dossier_handled_open",
            ),
            models.Index(
                fields=["receiving_agency", "intake_deadline", "submitted_at", "id"],
                condition=models.Q(state=State.SUBMITTED),
                name="dossier_received_new",
            ),
            models.Index(
                fields=["handling_agency", "intake_deadline", "submitted_at", "id"],
                condition=models.Q(state=State.SUBMITTED),
                name="dossier_handled_new",
            ),
        ]

    def __str__(self):
        return self.code or f"{pgettext_lazy('dossier state', 'Draft')} #{self.pk}"

    def get_absolute_url(self) -> str:
        """The applicant's page of the dossier (notifications link to it)."""
        return reverse("dossiers:detail", args=[self.pk])

    # --- where the dossier stands (what the pages ask instead of comparing state strings) ---------------
    # Not filed yet: only its applicant sees it.
    is_draft = FieldIs("state", State.DRAFT)

    # The labels pages show, looked up by value: get_state_display() makes Django hash every label of the
    # choices (a translation each) on every call — a third of a 25-row queue page's rendering.
    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)

    @property
    def awaits_intake_answer(self) -> bool:
        """Filed and its 8 working hours are running: the one-stop shop answers by `intake_deadline` (no
        deadline yet while fees due at filing are unpaid)."""
        return self.state == State.SUBMITTED and self.intake_deadline is not None

    @property
    def is_archived(self) -> bool:
        """Past its retention period and minimised (services.retention): no personal data left to show."""
        return self.archived_at is not None

    # Waiting for the applicant to add what a supplement request asks for.
    needs_supplement = FieldIs("state", State.SUPPLEMENT_REQUESTED)

    @property
    def has_result_appointment(self) -> bool:
        """Received with an appointment date for the result, and the result not yet handed over."""
        return self.due_date is not None and self.state in DUE_DATE_STATES

    @property
    def agency_decided_at(self) -> datetime.datetime | None:
        """When an agency decided (refused at intake, approved, denied, stopped): the register's "result"
        time. None for a withdrawn dossier: `decided_at` then records the withdrawal, which no one decided."""
        return None if self.state == State.WITHDRAWN else self.decided_at

    # --- facts the rules use --------------------------------------------------------------------------
    @property
    def procedure(self) -> ProcedureVersion:
        return self.procedure_version

    @property
    def needs_originals_check(self) -> bool:
        """Partial-service procedures whose catalogue entry asks for originals or an in-person visit
        add that step at the desk before the dossier can be received."""
        return (
            self.procedure_version.service_level == "partial"
            and self.procedure_version.partial_reason
            in {
                PartialReason.ORIGINALS,
                PartialReason.IN_PERSON,
            }
        )

    def originals_ready(self) -> bool:
        return not self.needs_originals_check or self.originals_checked_at is not None

    def fees_outstanding(self) -> bool:
        return self.fee_total > 0 and self.fees_settled_at is None

    def fees_ready_for_receipt(self) -> bool:
        """Fees due "at filing" are paid (or exempted) before the one-stop shop receives the dossier."""
        return not (
            self.fees_outstanding() and self.procedure_version.fee_payment_stage == FeePaymentStage.AT_FILING
        )

    def fees_ready_for_return(self) -> bool:
        """Fees due "before the result is returned" are paid (or exempted) before it is handed over."""
        return not (
            self.fees_outstanding()
            and self.procedure_version.fee_payment_stage == FeePaymentStage.BEFORE_RETURN
        )

    def fees_collected_on_delivery(self) -> bool:
        """The result goes by post and its fees are due before it is returned: once it is ready, the postman
        collects them (cash on delivery), so no other payment is taken — it would be paid twice."""
        return (
            self.state == State.RESULT_READY
            and self.return_channel == ReturnChannel.POST
            and not self.fees_ready_for_return()
        )

    def loaded_supplement_requests(self) -> "list[SupplementRequest] | None":
        """The supplement requests read with the dossier (prefetch_related or
        selectors.load_supplement_requests), or None when they were not: a page asks its rules of the rows
        it has instead of asking again."""
        loaded = getattr(self, "_prefetched_objects_cache", {}).get("supplement_requests")
        return None if loaded is None else list(loaded)

    def intake_supplement_open(self) -> bool:
        """One supplement request at intake, never a second (Decree 118/2025: one complete list)."""
        loaded = self.loaded_supplement_requests()
        if loaded is not None:
            return not any(r.stage == SupplementRequest.Stage.INTAKE and r.sent_at for r in loaded)
        return not self.supplement_requests.filter(
            stage=SupplementRequest.Stage.INTAKE, sent_at__isnull=False
        ).exists()

    def has_result_document(self) -> bool:
        return self.documents.filter(kind=DossierDocument.Kind.RESULT).exists()

    def intake_answer_late(self, now=None) -> bool:
        """Still waiting for the one-stop shop after its 8 working hours (Decree 45/2020)."""
        return (
            self.state == State.SUBMITTED
            and self.intake_deadline is not None
            and self.intake_deadline < (now or clock.now())
        )

    def is_overdue(self, today=None) -> bool:
        """Past the appointment date and still open; not while a supplement is awaited (the clock stops)."""
        today = today or clock.localdate()
        return (
            self.due_date is not None
            and self.state not in [*CLOSED_STATES, State.SUPPLEMENT_REQUESTED]
            and today > self.due_date
        )

    # --- the state machine (fields only; services lock, check permissions, audit) --------------------
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RECEIVED,
        conditions=when(originals_ready, fees_ready_for_receipt),
    )
    def receive(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.SUPPLEMENT_REQUESTED,
        conditions=when(intake_supplement_open),
    )
    def request_supplement_at_intake(self):
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.SUPPLEMENT_REQUESTED)
    def request_supplement_in_processing(self):
        pass

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=RETURN_VALUE(State.SUBMITTED, State.IN_PROGRESS),
    )
    def complete_supplement(self, *, during_processing: bool):
        """Back to the desk when asked at intake, back to the agency when asked during processing."""
        return State.IN_PROGRESS if during_processing else State.SUBMITTED

    @transition(field=state, source=State.SUBMITTED, target=State.REFUSED)
    def refuse(self):
        pass

    @transition(field=state, source=[State.RECEIVED, State.IN_PROGRESS], target=State.IN_PROGRESS)
    def transfer(self):
        pass

    @transition(
        field=state, source=State.IN_PROGRESS, target=State.APPROVED, conditions=when(has_result_document)
    )
    def approve(self):
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.DENIED)
    def deny(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.RESULT_READY)
    def mark_result_ready(self):
        pass

    @transition(
        field=state,
        source=State.RESULT_READY,
        target=State.RETURNED,
        conditions=when(originals_ready, fees_ready_for_return),
    )
    def mark_returned(self):
        pass

    @transition(field=state, source=[State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED], target=State.STOPPED)
    def stop(self):
        pass

    @transition(field=state, source=BEFORE_DECISION, target=State.WITHDRAWN)
    def withdraw(self):
        pass


# The file types citizens may upload, and the extension a stored file of each type gets.
UPLOAD_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def private_upload_path(instance, filename):
    """A random name under the owner's folder, with the extension of the type the content was found to be
    (dossiers.uploads), never the one the browser sent."""
    suffix = UPLOAD_EXTENSIONS.get(instance.content_type, ".bin")
    return f"private/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """A file in the citizen's personal data store: uploaded once, reusable in later dossiers."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stored_files")
    # The default storage, or the archive storage once archived (dossiers.storage).
    file = models.FileField(upload_to=private_upload_path, storage=stored_file_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    label = models.CharField(_("what it is"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded by you")
        RESULT = "result", _("Result issued by an agency")
        DIGITISED = "digitised", _("Digitised at the desk")

    # What the paper is: its kind, who issued it, its number, until when it is valid.
    kind = models.ForeignKey(
        DocumentKind,
        verbose_name=_("document kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.UPLOADED)
    # A digitised copy: the clerk who attested it matches the original, and when.
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attested by"),
    )
    attested_at = models.DateTimeField(_("attested at"), null=True, blank=True)
    # Dossiers it was taken into from the store (never an upload): incremented by F() with each reuse.
    reuse_count = models.PositiveIntegerField(_("times reused"), default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        indexes = [models.Index(fields=["owner", "kind"], name="stored_file_owner_kind")]

    def __str__(self):
        return self.original_name

    @property
    def is_agency_issued(self) -> bool:
        """A result or a digitised copy: what the agency says it is, which the owner cannot change."""
        return self.source != self.Source.UPLOADED

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_until is None or self.valid_until >= day


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class StoredFileShare(models.Model):
    """A time-limited link to one file of a citizen's data store: anyone holding it may download that file
    until it expires or its owner revokes it. The token is random (192 bits), unguessable and good for that
    one file only; it is kept in clear so the owner can copy the link again from the data store page."""

    MAX_DAYS = 30

    stored_file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shared link")
        verbose_name_plural = _("shared links")

    def __str__(self):
        return f"{self.stored_file_id} → {self.expires_at:%Y-%m-%d}"

    def is_live(self, at: datetime.datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at


class DossierDocument(models.Model):
    """A file attached to a dossier: a required document, a supplement, or the result."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application document")
        SUPPLEMENT = "supplement", _("Supplement")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.APPLICATION)
    reused = models.BooleanField(
        default=False, help_text=_("Taken from the personal data store, not uploaded.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["kind", "required_document__position", "pk"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self):
        return self.stored_file.original_name


class SupplementRequest(models.Model):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: one complete list of everything missing, with the reason.
    At intake only one is allowed; during processing one needs a supervisor's approval."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        PROCESSING = "processing", _("During processing")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a supervisor's approval")
        OPEN = "open", _("Sent to the applicant")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Not approved")
        CLOSED = "closed", _("Closed without answer")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplement_requests")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    items = models.ManyToManyField(
        RequiredDocument, blank=True, related_name="+", verbose_name=_("documents to add")
    )
    details = models.TextField(_("what else is needed"), blank=True)
    reason = models.TextField(_("reason"))
    contact = models.CharField(_("whom to ask"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The queue's "supplement pending" tab and its count read the proposals waiting for a supervisor.
        indexes = [
            models.Index(
                fields=["dossier"], condition=models.Q(status="proposed"), name="supplement_proposed"
            )
        ]
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")

    def __str__(self):
        return f"{self.dossier} — {self.get_stage_display()}"

    # Proposed during processing and waiting for a supervisor's approval: not sent to the applicant.
    is_proposal = FieldIs("status", Status.PROPOSED)


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class DossierEvent(AppendOnlyModel):
    """One row per transition or hand-off: the processing control slip and the audit trail. Append-only
    (common.audit) and hash-chained per dossier (dossiers.audit); the actor's name and role are kept on the
    row, and nothing it refers to can be deleted while it exists."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Filed online")
        REGISTER_AT_DESK = "register_at_desk", _("Registered at the desk")
        CHECK_ORIGINALS = "check_originals", _("Originals checked")
        RECEIVE = "receive", _("Received")
        REFUSE = "refuse", _("Refused")
        REQUEST_SUPPLEMENT = "request_supplement", _("Supplement requested")
        PROPOSE_SUPPLEMENT = "propose_supplement", _("Supplement proposed to the supervisor")
        REJECT_SUPPLEMENT = "reject_supplement", _("Supplement proposal not approved")
        ANSWER_SUPPLEMENT = "answer_supplement", _("Supplement answered")
        TRANSFER = "transfer", _("Transferred")
        ASSIGN = "assign", _("Assigned")
        APPROVE = "approve", _("Approved")
        DENY = "deny", _("Denied")
        RESULT_READY = "result_ready", _("Result ready")
        RETURN = "return", _("Result returned")
        STOP = "stop", _("Processing stopped")
        WITHDRAW = "withdraw", _("Withdrawn")
        APOLOGY = "apology", _("Apology and new date")
        PAY_FEES = "pay_fees", _("Fees paid")
        EXEMPT_FEES = "exempt_fees", _("Fees exempted")
        REFUND_FEES = "refund_fees", _("Fees refunded")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_state = models.CharField(max_length=25, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=25, choices=State.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("acted by"), max_length=254, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    # The legal subject when the actor is a helper acting for them under an authorisation (ủy quyền).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    on_behalf_of_name = models.CharField(_("on behalf of"), max_length=254, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # SHA-256 over this row and the previous event of the dossier (dossiers.audit): `verify_audit` checks it.
    chain_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.dossier_id} {self.action} {timezone.localtime(self.at):%H:%M %d/%m/%Y}"


class Apology(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả: issued before the due date passes; moves the date."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    original_due_date = models.DateField()
    new_due_date = models.DateField()
    reason = models.TextField(_("reason for the delay"))
    signed_by = models.CharField(_("signed by (head of agency)"), max_length=150)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["issued_at"]
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self):
        return f"{self.dossier} → {self.new_due_date:%d/%m/%Y}"


class LookupCodeGuard(models.Model):
    """Wrong digits typed for one code on the public lookup, from any address: the code is locked for an
    hour after LOOKUP_CODE_MISS_LIMIT misses (dossiers.services.lookups), so its 4 digits cannot be swept
    from many addresses. Kept in the database so that it holds through a cache outage; a code that names
    no dossier gets a row too, so the lock says nothing about whether a dossier has that code."""

    code = models.CharField(max_length=40, unique=True)
    misses = models.PositiveIntegerField(default=0)
    first_miss_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("lookup code guard")
        verbose_name_plural = _("lookup code guards")

    def __str__(self):
        return f"{self.code}: {self.misses}"


class Arrival(models.Model):
    """A dossier new to an agency: filed with it, or handed to it, and not yet opened by one of its staff
    (other than the person who sent it). The queue marks it "new to us" until then (services.arrivals)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="arrivals")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arrived_at = models.DateTimeField(default=clock.now)

    class Meta:
        # (agency, dossier): the queue reads its page's dossiers of one agency in one lookup.
        constraints = [models.UniqueConstraint(fields=["agency", "dossier"], name="unique_arrival")]
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")

    def __str__(self):
        return f"{self.dossier_id} → {self.agency_id}"


class AuthorisationQuerySet(models.QuerySet):
    def live(self, now=None):
        """In force now: approved (granted by the citizen, or asked and approved), not revoked, not expired.
        Expiry is read from `expires_at`, so an authorisation stops at its time even before the hourly
        task marks it expired."""
        return self.filter(status=Authorisation.Status.ACTIVE, expires_at__gt=now or clock.now())

    def held_by(self, user):
        return self.filter(helper=user)

    def covering(self, dossier: "Dossier"):
        """The authorisations of the dossier's applicant whose scope takes in this dossier."""
        return self.filter(citizen_id=dossier.applicant_id).filter(
            Q(scope=Authorisation.Scope.ALL)
            | Q(scope=Authorisation.Scope.PROCEDURE, procedure_id=dossier.procedure_version.procedure_id)
            | Q(scope=Authorisation.Scope.DOSSIER, dossier_id=dossier.pk)
        )


class Authorisation(models.Model):
    """Ủy quyền: a citizen lets a helper (a relative, a community digital-team member) act for them on one
    dossier, one procedure or all their dossiers, until `expires_at` or until revoked. Either the citizen
    grants it, or the helper asks and the citizen approves (in the portal, or with a code sent to their
    phone). The consent text and its version are kept as shown, with the time and how the citizen proved
    it was them (their sign-in, or the SMS code)."""

    class Scope(models.TextChoices):
        DOSSIER = "dossier", _("One dossier")
        PROCEDURE = "procedure", _("One procedure")
        ALL = "all", _("All my dossiers")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("In force")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class Relation(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        DIGITAL_TEAM = "digital_team", _("Community digital team member")
        OTHER = "other", pgettext_lazy("relation to the citizen", "Other")

    class ConsentMethod(models.TextChoices):
        PORTAL = "portal", _("Signed in to the portal")
        SMS = "sms", _("Code sent by SMS")

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authorisations_given",
        verbose_name=_("citizen (authorising)"),
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authorisations_held",
        verbose_name=_("authorised person"),
    )
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.RELATIVE
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="authorisations"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    requested_by_helper = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # The consent, as the citizen saw it (dossiers.consent): version, text, time, and their proof.
    consent_version = models.CharField(max_length=20, blank=True)
    consent_text = models.TextField(blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_method = models.CharField(max_length=10, choices=ConsentMethod.choices, blank=True)
    # A keyed hash of the citizen's session (sign-in) in which they consented; for an SMS code, the phone.
    consent_sign_in = models.CharField(max_length=64, blank=True)
    consent_phone = models.CharField(max_length=15, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The code a helper's request sends to the citizen's phone: only a keyed hash, valid a few minutes.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        indexes = [
            models.Index(fields=["helper", "citizen", "status"], name="authorisation_helper"),
            models.Index(fields=["citizen", "status"], name="authorisation_citizen"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="dossier", dossier__isnull=False, procedure__isnull=True)
                    | Q(scope="procedure", procedure__isnull=False, dossier__isnull=True)
                    | Q(scope="all", procedure__isnull=True, dossier__isnull=True)
                ),
                name="authorisation_scope_target",
            ),
            models.CheckConstraint(condition=~Q(citizen=models.F("helper")), name="authorisation_not_self"),
        ]

    def __str__(self):
        return f"{self.citizen} → {self.helper} ({self.scope})"

    def is_live(self, now=None) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at > (now or clock.now())

    @property
    def status_label(self) -> str:
        if self.status == self.Status.ACTIVE and not self.is_live():
            return str(self.Status.EXPIRED.label)
        return str(self.Status(self.status).label)

    @property
    def last_day(self) -> datetime.date:
        """The last day it is in force (it ends at the following midnight, portal time)."""
        return timezone.localtime(self.expires_at - datetime.timedelta(microseconds=1)).date()

    @property
    def scope_label(self) -> str:
        return str(self.Scope(self.scope).label)

    @property
    def relation_label(self) -> str:
        return str(self.Relation(self.relation).label)


class DocumentAccessQuerySet(AppendOnlyQuerySet):
    """Who may read which access rows: the data subject (and whoever acts for them on the dossier) reads
    those of their dossier and of their data store; auditors read them all, by period (policies)."""

    def of_dossier(self, dossier: "Dossier") -> "DocumentAccessQuerySet":
        return self.filter(dossier=dossier).select_related("agency").order_by("-at", "-pk")

    def of_data_store(self, owner) -> "DocumentAccessQuerySet":
        """The owner's data-store files opened outside a dossier (by the owner, or through a shared link)."""
        return (
            self.filter(subject=owner, dossier__isnull=True).select_related("agency").order_by("-at", "-pk")
        )

    def in_period(
        self, start: datetime.datetime, end: datetime.datetime, agency=None
    ) -> "DocumentAccessQuerySet":
        rows = self.filter(at__gte=start, at__lt=end)
        return rows.filter(agency=agency) if agency is not None else rows


class DocumentAccess(AppendOnlyModel):
    """One file served: a dossier document, a slip, a receipt, a result, a file of the data store. Who
    (name and role at the time), for which agency, when, which file, by which route. The data subject may
    know who processed their data (Decree 13/2023 art. 9; Law 91/2025): the applicant reads these rows on
    the dossier page. Append-only like the other audit rows (common.audit); written by
    `services.access_log.record_access` in the request that serves the file. Not hash-chained: a link
    needs the previous row read under a lock, and a download must cost one INSERT."""

    class What(models.TextChoices):
        DOCUMENT = "document", _("Dossier document")
        SLIP = "slip", _("Slip")
        RECEIPT = "receipt", _("Payment receipt")
        VOUCHER = "voucher", _("Refund voucher")
        RESULT = "result", _("Electronic result")
        LABEL = "label", _("Postal label")
        STORED_FILE = "stored_file", _("File in the data store")
        SHARE_LINK = "share_link", _("File opened through a shared link")

    class Via(models.TextChoices):
        WEB = "web", _("On the portal")
        API = "api", _("An agency's system (API)")
        SHARE = "share", _("Shared link")

    at = models.DateTimeField(default=clock.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as they were at the time: a name or a role may change later. For the API: the client's name.
    actor_name = models.CharField(_("opened by"), max_length=254, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Whose data it is: the dossier's applicant, or the owner of the stored file ("who opened my documents").
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    stored_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    what = models.CharField(max_length=12, choices=What.choices)
    file_name = models.CharField(_("file"), max_length=255)
    route_name = models.CharField(max_length=100)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.WEB)
    # A keyed hash of the client's address (services.access_log.ip_digest), never the address itself.
    client_ip_hash = models.CharField(max_length=64, blank=True)

    objects: ClassVar[Any] = models.Manager.from_queryset(DocumentAccessQuerySet)()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")
        triggers = [APPEND_ONLY]
        indexes = [
            # The dossier page's list, the citizen's data-store list, the auditors' export by period.
            models.Index(fields=["dossier", "-at"], name="access_by_dossier"),
            models.Index(fields=["subject", "-at"], name="access_by_subject"),
            models.Index(fields=["at"], name="access_by_time"),
            models.Index(fields=["agency", "at"], name="access_by_agency_time"),
        ]

    def __str__(self):
        return f"{self.file_name} {timezone.localtime(self.at):%H:%M %d/%m/%Y}"

    def opener_for(self, viewer) -> str:
        """Who opened the file, as the data subject reads it: "You", or the officer's name, role and agency
        — transparency to the data subject is the point (Decree 13/2023 art. 9), and officers act in a
        public capacity (their names are on the slips) — or the system or shared link it went through."""
        from accounts.models import Role

        if self.user_id is not None and self.user_id == getattr(viewer, "pk", None):
            return str(_("You"))
        if self.via == self.Via.API:
            return str(_("%(system)s (an agency's system, through the API)") % {"system": self.actor_name})
        if self.via == self.Via.SHARE or self.user_id is None:
            return str(_("Someone holding a link you shared"))
        role: Any
        if self.actor_role == "superuser":
            role = _("System administrator")
        elif self.actor_role == Role.CITIZEN:
            role = _("The applicant") if self.user_id == self.subject_id else _("Authorised person")
        else:
            role = Role(self.actor_role).label if self.actor_role in Role.values else self.actor_role
        parts = [self.actor_name, str(role)]
        if self.agency is not None:
            parts.append(self.agency.name)
        return ", ".join(part for part in parts if part)
