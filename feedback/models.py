"""Feedback and complaints (phản ánh, kiến nghị — PAKN) and the applicants' satisfaction ratings.

A Feedback row has its own state machine (received → assigned → answered → published | closed; withdrawn by
its sender before the answer); every step is one FeedbackEvent audit row. A SatisfactionRating is one per
dossier, given by its applicant once the result is returned; it keeps no reference to the person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from common import clock
from common.audit import APPEND_ONLY, AppendOnlyModel


class FeedbackState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("feedback state", "Received")
    ASSIGNED = "assigned", pgettext_lazy("feedback state", "Being handled")
    ANSWERED = "answered", pgettext_lazy("feedback state", "Answered")
    PUBLISHED = "published", pgettext_lazy("feedback state", "Answer published")
    CLOSED = "closed", pgettext_lazy("feedback state", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("feedback state", "Withdrawn by the sender")


# Waiting for the agency's answer: what the deadline and the queue's "open" tab count.
OPEN_STATES = (FeedbackState.RECEIVED, FeedbackState.ASSIGNED)


class SubjectKind(models.TextChoices):
    PROCEDURE = "procedure", _("An administrative procedure")
    AGENCY = "agency", _("An agency")
    DOSSIER = "dossier", _("One of my dossiers")


class ModerationState(models.TextChoices):
    CLEAN = "clean", _("No offensive words found")
    HELD = "held", _("Held for moderation")
    CLEARED = "cleared", _("Checked by staff")


class FeedbackQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=FeedbackState.PUBLISHED)

    def of_agencies(self, agency_ids):
        return self.filter(agency_id__in=list(agency_ids))

    def visible_to(self, user, sent_ids=()):
        """Who may read an item: everyone its published answer; its sender (signed in, or the phone sender
        in the session that sent it: `sent_ids`) the whole of it; the staff of the agency it concerns; a
        superuser everything."""
        condition = Q(state=FeedbackState.PUBLISHED)
        if sent_ids:
            condition |= Q(pk__in=list(sent_ids))
        if user is not None and user.is_authenticated and user.is_active:
            if user.is_superuser:
                return self.all()
            condition |= Q(sender=user)
            if user.is_staff_role:
                condition |= Q(agency_id__in=list(user.memberships.values_list("agency_id", flat=True)))
        return self.filter(condition)


class Feedback(FSMModelMixin, models.Model):
    """One feedback or complaint about a procedure, an agency or a dossier, and the agency's answer."""

    subject_kind = models.CharField(_("about"), max_length=12, choices=SubjectKind.choices)
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("agency concerned"),
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("procedure"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_sent",
        verbose_name=_("sender's account"),
    )
    sender_name = models.CharField(_("sender's full name"), max_length=150)
    sender_phone = models.CharField(_("phone"), max_length=15, blank=True)
    sender_email = models.EmailField(_("email"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    consent_to_publish = models.BooleanField(_("agrees to publication"), default=False)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=ModerationState.choices, default=ModerationState.CLEAN
    )

    state = FSMField(
        _("state"), default=FeedbackState.RECEIVED, choices=FeedbackState.choices, protected=True
    )
    received_at = models.DateTimeField(_("received"), default=clock.now)
    due_date = models.DateField(_("answer due"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_assigned",
        verbose_name=_("handled by"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # What the public page shows: the texts with personal data removed, as a member of staff approved them.
    public_title = models.CharField(_("published title"), max_length=200, blank=True)
    public_content = models.TextField(_("published content"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["agency", "state", "due_date"], name="feedback_agency_queue"),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_received"),
            models.Index(fields=["-published_at"], condition=Q(state="published"), name="feedback_published"),
            models.Index(fields=["sender", "-received_at"], name="feedback_sender"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | Q(consent_to_publish=True),
                name="feedback_published_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(sender__isnull=False) | ~Q(sender_phone=""),
                name="feedback_sender_known",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"PAKN-{self.pk:06d}" if self.pk else "PAKN"

    def get_absolute_url(self) -> str:
        return reverse("feedback:mine_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def answered_on_time(self) -> bool:
        return self.answered_at is not None and clock_date(self.answered_at) <= self.due_date

    def may_be_published(self) -> bool:
        return self.consent_to_publish

    # --- transitions: fields only; the services check who acts and write the audit row ---
    @transition(
        field=state, source=[FeedbackState.RECEIVED, FeedbackState.ASSIGNED], target=FeedbackState.ASSIGNED
    )
    def assign(self):
        pass

    @transition(field=state, source=FeedbackState.ASSIGNED, target=FeedbackState.ANSWERED)
    def give_answer(self):
        pass

    @transition(
        field=state,
        source=FeedbackState.ANSWERED,
        target=FeedbackState.PUBLISHED,
        conditions=[may_be_published],  # type: ignore[list-item]  # django-fsm types conditions as Model
    )
    def publish(self):
        pass

    @transition(field=state, source=FeedbackState.ANSWERED, target=FeedbackState.CLOSED)
    def close(self):
        pass

    @transition(
        field=state, source=[FeedbackState.RECEIVED, FeedbackState.ASSIGNED], target=FeedbackState.WITHDRAWN
    )
    def withdraw(self):
        pass


def clock_date(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


class FeedbackEvent(AppendOnlyModel):
    """One step of a feedback item: who, when, from and to which state, and a note."""

    class Action(models.TextChoices):
        SEND = "send", pgettext_lazy("feedback step", "Sent")
        ASSIGN = "assign", pgettext_lazy("feedback step", "Assigned")
        ANSWER = "answer", pgettext_lazy("feedback step", "Answered")
        PUBLISH = "publish", pgettext_lazy("feedback step", "Published")
        CLOSE = "close", pgettext_lazy("feedback step", "Closed")
        WITHDRAW = "withdraw", pgettext_lazy("feedback step", "Withdrawn")

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.feedback_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class PhoneConfirmation(models.Model):
    """A code sent by SMS to someone without an account who sends feedback: proves they hold the number.
    Only a keyed hash of the code is kept; same limits as accounts' phone verification. Once confirmed it
    allows one feedback item, within PHONE_CODE_VALID_MINUTES × 3 of the confirmation."""

    phone = models.CharField(_("phone"), max_length=15, db_index=True)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback phone confirmation")
        verbose_name_plural = _("feedback phone confirmations")
        indexes = [models.Index(fields=["phone", "-created_at"], name="feedback_phone_latest")]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class SatisfactionRating(models.Model):
    """How satisfied the applicant was with one dossier (the national portal's questions), given once after
    the result was returned. No account or name is kept: staff see averages and unsigned comments only."""

    class Via(models.TextChoices):
        PORTAL = "portal", _("On the dossier page")
        LINK = "link", _("Through the link in a notice")

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="satisfaction_rating"
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="satisfaction_ratings"
    )
    attitude = models.PositiveSmallIntegerField(_("staff attitude"))
    timeliness = models.PositiveSmallIntegerField(_("processing time"))
    clarity = models.PositiveSmallIntegerField(_("clarity of the procedure"))
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    rated_at = models.DateTimeField(_("rated"), default=clock.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [models.Index(fields=["agency", "rated_at"], name="satisfaction_agency_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attitude__gte=1, attitude__lte=5)
                & Q(timeliness__gte=1, timeliness__lte=5)
                & Q(clarity__gte=1, clarity__lte=5),
                name="satisfaction_scores_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.attitude}/{self.timeliness}/{self.clarity}"

    @property
    def score(self) -> float:
        return (self.attitude + self.timeliness + self.clarity) / 3
