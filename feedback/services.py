"""Use cases of feedback (PAKN) and satisfaction ratings. Each write is one transaction; notices are outbox
rows written in it (notifications.notify), sent after commit.

People without an account (a phone sender, a desk applicant) are told through notify(recipient=None,
channels=…) at the number or address they gave, so they get the outbox's retries and receipts like everyone
else.
"""

import datetime
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_fsm import TransitionNotAllowed

from accounts.models import User
from accounts.services import PHONE_CODE_DIGITS, check_code_allowance, new_phone_code
from common import clock
from dossiers.models import Channel as DossierChannel
from dossiers.models import Dossier, State
from dossiers.working_days import add_working_days
from notifications.events import Event
from notifications.models import Channel
from notifications.services import notify
from procedures.models import Agency, ProcedureVersion

from . import policies
from .models import (
    Feedback,
    FeedbackEvent,
    FeedbackState,
    ModerationState,
    PhoneConfirmation,
    SatisfactionRating,
    SubjectKind,
)
from .moderation import offensive_phrases_in, remove_personal_data

TOO_MANY_WRONG_CODES = gettext_lazy("Too many wrong codes. Please ask for a new one.")
Action = FeedbackEvent.Action


def _sms_to(phone: str) -> list[tuple[str, str]]:
    return [(Channel.SMS, phone)]


# --- an anonymous sender's phone ----------------------------------------------------------------------------
def _code_hash(*, phone: str, code: str, created_at) -> str:
    """Keyed with SECRET_KEY (six digits are too few for a plain hash to hide them)."""
    return salted_hmac(
        "feedback.PhoneConfirmation", f"{phone}:{created_at.isoformat()}:{code}", algorithm="sha256"
    ).hexdigest()


# Codes one address may have sent to phone numbers in an hour (a number alone allows PHONE_CODE_MAX_PER_DAY):
# without it, one visitor could make the portal text many strangers. A cache counter: see README, Redis down.
CODES_PER_ADDRESS_PER_HOUR = 10


def _count_code_for_address(client_ip: str) -> None:
    if not client_ip:
        return
    key = f"feedback:phone-codes:{client_ip}"
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    if sent > CODES_PER_ADDRESS_PER_HOUR:
        raise ValidationError(
            _("Too many codes were asked for from this connection. Please try again in an hour."),
            code="too_many_from_address",
        )


def _lock_phone(phone: str) -> None:
    """Orders two clicks for one number until the transaction ends, so the second sees the first's code (the
    wait and the daily count hold), even for a number with no code yet. PostgreSQL: a transaction-level
    advisory lock on the number; SQLite's IMMEDIATE transactions already write one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = f"feedback-phone:{phone}"
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def send_phone_code(*, phone: str, client_ip: str = "") -> PhoneConfirmation:
    """Send a code by SMS to a feedback sender without an account, through the outbox, to that number only.
    Same limits as the profile's phone verification (accounts.services.check_code_allowance), per number."""
    _count_code_for_address(client_ip)
    with transaction.atomic():
        _lock_phone(phone)
        now = clock.now()
        check_code_allowance(codes_sent=PhoneConfirmation.objects.filter(phone=phone), now=now)
        new = new_phone_code(now=now)
        confirmation = PhoneConfirmation.objects.create(
            phone=phone,
            code_hash=_code_hash(phone=phone, code=new.code, created_at=now),
            created_at=now,
            expires_at=new.expires_at,
        )
        notify(
            recipient=None,
            event=Event.FEEDBACK_CODE,
            context={"otp": new.code, "minutes": new.minutes},
            channels=_sms_to(phone),
        )
        return confirmation


def confirm_phone_code(*, phone: str, code: str) -> PhoneConfirmation:
    """The sender types the code: right and in time, the number is confirmed (for one feedback item). Each
    wrong code counts (kept even though the error is raised); after PHONE_CODE_MAX_ATTEMPTS the code is
    void."""
    code = "".join((code or "").split())
    if not re.fullmatch(rf"[0-9]{{{PHONE_CODE_DIGITS}}}", code):
        raise ValidationError(_("Enter the 6 digits of the code sent to your phone."), code="format")
    with transaction.atomic():
        now = clock.now()
        pending = (
            PhoneConfirmation.objects.select_for_update()
            .filter(phone=phone, confirmed_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        error = ""
        if pending is None:
            error = _("This code has expired or was not sent. Please ask for a new one.")
        elif pending.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
            error = str(TOO_MANY_WRONG_CODES)
        elif not constant_time_compare(
            _code_hash(phone=phone, code=code, created_at=pending.created_at), pending.code_hash
        ):
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            left = settings.PHONE_CODE_MAX_ATTEMPTS - pending.attempts
            error = (
                str(TOO_MANY_WRONG_CODES)
                if left <= 0
                else ngettext(
                    "The code is not correct: %(left)s try left.",
                    "The code is not correct: %(left)s tries left.",
                    left,
                )
                % {"left": left}
            )
        else:
            pending.confirmed_at = now
            pending.save(update_fields=["confirmed_at"])
    if error:  # raised after the commit: the wrong try stays counted
        raise ValidationError(error, code="refused")
    assert pending is not None
    return pending


def usable_confirmation(confirmation_id) -> PhoneConfirmation | None:
    """A confirmed, unused phone confirmation still within its time to write the feedback."""
    if not confirmation_id:
        return None
    window = timedelta(minutes=settings.PHONE_CODE_VALID_MINUTES * 3)
    return (
        PhoneConfirmation.objects.filter(
            pk=confirmation_id,
            confirmed_at__isnull=False,
            used_at__isnull=True,
            confirmed_at__gt=clock.now() - window,
        )
        .order_by()
        .first()
    )


# --- feedback -----------------------------------------------------------------------------------------------
def answer_due_date(received_on: datetime.date) -> datetime.date:
    """FEEDBACK_ANSWER_WORKING_DAYS working days after the day it was received (weekends, holidays and the
    admin's calendar exceptions excluded, as for dossiers)."""
    return add_working_days(received_on, settings.FEEDBACK_ANSWER_WORKING_DAYS)


def _record(feedback: Feedback, action: str, *, from_state: str, actor: User | None, note: str = "") -> None:
    FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        from_state=from_state,
        to_state=feedback.state,
        actor=actor,
        actor_name=str(actor) if actor is not None else feedback.sender_name,
        note=note,
        at=clock.now(),
    )


def _notify_sender(feedback: Feedback, event: str, context: dict) -> None:
    context = {"reference": feedback.reference, "title": feedback.title, **context}
    if feedback.sender is not None:
        notify(
            recipient=feedback.sender,
            event=event,
            context={"link": reverse("feedback:mine_detail", args=[feedback.pk]), **context},
            dedupe_key=f"feedback-{feedback.pk}-{event}",
        )
    elif feedback.sender_phone:
        notify(
            recipient=None,
            event=event,
            context={"link": sender_link(feedback), "name": feedback.sender_name, **context},
            channels=_sms_to(feedback.sender_phone),
            dedupe_key=f"feedback-{feedback.pk}-{event}",
        )


SENDER_LINK_SALT = "feedback.sender-link"


def sender_link(feedback: Feedback) -> str:
    """The signed link a sender without an account follows (from their SMS) to read their feedback."""
    token = signing.dumps(feedback.pk, salt=SENDER_LINK_SALT)
    return reverse("feedback:by_link", args=[token])


def feedback_from_sender_link(token: str) -> int | None:
    try:
        pk = signing.loads(token, salt=SENDER_LINK_SALT, max_age=timedelta(days=365))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if isinstance(pk, int) else None


@dataclass(frozen=True)
class Subject:
    """What the feedback is about, as the sender chose it."""

    agency: Agency | None = None
    procedure_version: ProcedureVersion | None = None
    dossier: Dossier | None = None


def _resolve_subject(subject: Subject, sender: User | None) -> tuple[str, Agency | None]:
    if subject.dossier is not None:
        if sender is None or not Dossier.objects.owned_by(sender).filter(pk=subject.dossier.pk).exists():
            raise ValidationError(_("Choose one of your own dossiers."), code="dossier")
        dossier = subject.dossier
        agency = dossier.handling_agency or dossier.receiving_agency
        # A dossier of an agency abolished since (the districts, July 2025): its successor answers.
        return SubjectKind.DOSSIER, agency.current() if agency is not None else None
    if subject.agency is None:
        raise ValidationError(_("Choose the agency your feedback is about."), code="agency")
    if subject.procedure_version is not None:
        return SubjectKind.PROCEDURE, subject.agency
    return SubjectKind.AGENCY, subject.agency


def send_feedback(
    *,
    subject: Subject,
    title: str,
    content: str,
    consent_to_publish: bool,
    sender: User | None = None,
    sender_name: str = "",
    sender_email: str = "",
    confirmation: PhoneConfirmation | None = None,
) -> Feedback:
    """A signed-in person, or someone whose phone was just confirmed by an SMS code, sends feedback about a
    procedure, an agency or one of their dossiers. It is received at once with its answer date; offensive
    words hold it for moderation (it is still received, never dropped). The sender is told."""
    if sender is not None and not sender.is_authenticated:
        sender = None
    title, content = " ".join((title or "").split()), (content or "").strip()
    if not title or not content:
        raise ValidationError(_("Write a title and what happened."), code="empty")
    with transaction.atomic():
        phone = ""
        if sender is None:
            locked = (
                PhoneConfirmation.objects.select_for_update().filter(pk=confirmation.pk).first()
                if confirmation is not None
                else None
            )
            if locked is None or usable_confirmation(locked.pk) is None:
                raise ValidationError(
                    _("Confirm your phone number with the code we send by SMS first."), code="phone"
                )
            locked.used_at = clock.now()
            locked.save(update_fields=["used_at"])
            phone = locked.phone
            sender_name = " ".join((sender_name or "").split())
            if not sender_name:
                raise ValidationError(_("Write your full name."), code="name")
        else:
            sender_name = sender.get_full_name()
            sender_email = sender_email or sender.email
            profile = getattr(sender, "profile", None)
            if profile is not None and getattr(profile, "phone_is_verified", False):
                phone = profile.phone
        kind, agency = _resolve_subject(subject, sender)
        now = clock.now()
        feedback = Feedback(
            subject_kind=kind,
            agency=agency,
            procedure_version=subject.procedure_version if kind == SubjectKind.PROCEDURE else None,
            dossier=subject.dossier if kind == SubjectKind.DOSSIER else None,
            sender=sender,
            sender_name=sender_name[:150],
            sender_phone=phone,
            sender_email=sender_email,
            title=title[:200],
            content=content,
            consent_to_publish=bool(consent_to_publish),
            moderation=ModerationState.HELD
            if offensive_phrases_in(title, content)
            else ModerationState.CLEAN,
            received_at=now,
            due_date=answer_due_date(clock.localdate()),
        )
        feedback.save()
        _record(feedback, Action.SEND, from_state="", actor=sender)
        _notify_sender(feedback, Event.FEEDBACK_RECEIVED, {"due_date": feedback.due_date.isoformat()})
        return feedback


def _locked(feedback: Feedback | int) -> Feedback:
    pk = feedback if isinstance(feedback, int) else feedback.pk
    return Feedback.objects.select_for_update().select_related("agency").get(pk=pk)


def _proceed(method, refusal: str) -> None:
    try:
        method()
    except TransitionNotAllowed as error:
        raise ValidationError(refusal, code="state") from error


def assign_feedback(*, feedback: Feedback, by: User, assignee: User) -> Feedback:
    """A member of the agency's staff hands the item to a colleague (or takes it); the assignee is told."""
    with transaction.atomic():
        feedback = _locked(feedback)
        if not policies.may_handle(by, feedback):
            raise PermissionDenied
        if not policies.works_for(assignee, feedback.agency):
            raise ValidationError(_("Choose someone who works for this agency."), code="assignee")
        before = feedback.state
        _proceed(feedback.assign, _("This feedback is already answered or withdrawn."))
        feedback.assignee = assignee
        feedback.save()
        _record(feedback, Action.ASSIGN, from_state=before, actor=by, note=str(assignee))
        if assignee.pk != by.pk:
            notify(
                recipient=assignee,
                event=Event.FEEDBACK_ASSIGNED,
                context={
                    "link": reverse("feedback:staff_detail", args=[feedback.pk]),
                    "reference": feedback.reference,
                    "title": feedback.title,
                    "due_date": feedback.due_date.isoformat(),
                },
                dedupe_key=f"feedback-{feedback.pk}-assigned-{FeedbackEvent.objects.filter(feedback=feedback).count()}",
            )
        return feedback


def answer_feedback(*, feedback: Feedback, by: User, answer: str) -> Feedback:
    """The agency's answer; the sender is told. Answered on time when on or before the answer date."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write the answer."), code="empty")
    with transaction.atomic():
        feedback = _locked(feedback)
        if not policies.may_handle(by, feedback):
            raise PermissionDenied
        before = feedback.state
        if before == FeedbackState.RECEIVED:  # answering it takes it
            feedback.assign()
            feedback.assignee = by
        _proceed(feedback.give_answer, _("This feedback cannot be answered now."))
        feedback.answer, feedback.answered_by, feedback.answered_at = answer, by, clock.now()
        feedback.save()
        _record(feedback, Action.ANSWER, from_state=before, actor=by)
        _notify_sender(feedback, Event.FEEDBACK_ANSWERED, {})
        return feedback


def publication_draft(feedback: Feedback) -> dict[str, str]:
    """The texts as the public page would show them: personal data removed (the sender's name, phones,
    emails, ID numbers, dossier codes)."""
    names = [feedback.sender_name]
    if feedback.dossier is not None:
        names.append(feedback.dossier.applicant_name)
    return {
        "title": remove_personal_data(feedback.title, names=names),
        "content": remove_personal_data(feedback.content, names=names),
        "answer": remove_personal_data(feedback.answer, names=names),
    }


def publish_feedback(
    *, feedback: Feedback, by: User, title: str, content: str, answer: str, moderation_checked: bool = False
) -> Feedback:
    """Publish the question and the answer on the public page, with the sender's consent only. The texts a
    member of staff approved are cleaned of personal data again; an item held for offensive words needs
    their confirmation that they checked it, and the published texts must be free of the listed words."""
    with transaction.atomic():
        feedback = _locked(feedback)
        if not policies.may_handle(by, feedback):
            raise PermissionDenied
        if not feedback.consent_to_publish:
            raise ValidationError(_("The sender did not agree to publication."), code="consent")
        if feedback.moderation == ModerationState.HELD and not moderation_checked:
            raise ValidationError(
                _("This feedback was held for offensive words: confirm you checked the texts to publish."),
                code="moderation",
            )
        names = [feedback.sender_name]
        texts = {
            "title": remove_personal_data(" ".join((title or "").split()), names=names)[:200],
            "content": remove_personal_data((content or "").strip(), names=names),
            "answer": remove_personal_data((answer or "").strip(), names=names),
        }
        if not all(texts.values()):
            raise ValidationError(
                _("The title, the feedback and the answer must not be empty."), code="empty"
            )
        if offensive_phrases_in(*texts.values()):
            raise ValidationError(
                _("The texts to publish still contain offensive words: remove them first."), code="words"
            )
        before = feedback.state
        _proceed(feedback.publish, _("Only an answered feedback can be published."))
        if feedback.moderation == ModerationState.HELD:
            feedback.moderation = ModerationState.CLEARED
        feedback.public_title, feedback.public_content, feedback.public_answer = (
            texts["title"],
            texts["content"],
            texts["answer"],
        )
        feedback.published_at = clock.now()
        feedback.save()
        _record(feedback, Action.PUBLISH, from_state=before, actor=by)
        return feedback


def close_feedback(*, feedback: Feedback, by: User, reason: str = "") -> Feedback:
    """An answered feedback that is not published (no consent, or personal matters) is closed."""
    with transaction.atomic():
        feedback = _locked(feedback)
        if not policies.may_handle(by, feedback):
            raise PermissionDenied
        before = feedback.state
        _proceed(feedback.close, _("Only an answered feedback can be closed."))
        feedback.closed_at, feedback.closed_reason = clock.now(), (reason or "").strip()
        feedback.save()
        _record(feedback, Action.CLOSE, from_state=before, actor=by, note=feedback.closed_reason)
        return feedback


def withdraw_feedback(*, feedback: Feedback, user, sent_ids=()) -> Feedback:
    """Its sender withdraws it while it is not answered yet."""
    with transaction.atomic():
        feedback = _locked(feedback)
        if not policies.is_sender(user, feedback, sent_ids):
            raise PermissionDenied
        before = feedback.state
        _proceed(feedback.withdraw, _("An answered feedback can no longer be withdrawn."))
        feedback.withdrawn_at = clock.now()
        feedback.save()
        actor = user if getattr(user, "is_authenticated", False) else None
        _record(feedback, Action.WITHDRAW, from_state=before, actor=actor)
        return feedback


# --- satisfaction -------------------------------------------------------------------------------------------
RATING_SALT = "feedback.satisfaction-link"
ALREADY_RATED = gettext_lazy("This dossier has already been rated. Thank you: each dossier is rated once.")


def rating_token(dossier: Dossier) -> str:
    """Signed with SECRET_KEY; carries when it was issued on the portal's clock (so its age follows it)."""
    issued = int(clock.now().timestamp())
    return signing.dumps({"d": str(dossier.public_id), "t": issued}, salt=RATING_SALT, compress=True)


def _is_uuid(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text))


def rating_link(dossier: Dossier) -> str:
    return reverse("feedback:rate_by_link", args=[rating_token(dossier)])


class LinkRefused(Exception):
    """A rating link that cannot be used: `reason` is one of forged, expired, used, not_returned."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def dossier_from_token(token: str) -> Dossier:
    """The dossier a signed rating link names, if the link is genuine, not expired (SATISFACTION_LINK_DAYS)
    and not used yet (the dossier has no rating)."""
    try:
        data = signing.loads(token, salt=RATING_SALT)
        public_id, issued = str(data["d"]), int(data["t"])
    except (signing.BadSignature, ValueError, TypeError, KeyError) as error:
        raise LinkRefused("forged") from error
    if clock.now().timestamp() - issued > settings.SATISFACTION_LINK_DAYS * 86400:
        raise LinkRefused("expired")
    dossier = Dossier.objects.filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if dossier is None:
        raise LinkRefused("forged")
    if SatisfactionRating.objects.filter(dossier=dossier).exists():
        raise LinkRefused("used")
    if dossier.state != State.RETURNED:
        raise LinkRefused("not_returned")
    return dossier


def _score(value) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(_("Choose a score from 1 to 5 for each question."), code="score")
    return score


def rate_dossier(
    *,
    dossier: Dossier,
    attitude,
    timeliness,
    clarity,
    comment: str = "",
    by: User | None = None,
    token: str = "",
) -> SatisfactionRating:
    """The applicant rates a returned dossier once: signed in on its page (`by`), or through the signed link
    of their notice (`token`, for applicants without an account). No person is recorded with the rating."""
    scores = {"attitude": _score(attitude), "timeliness": _score(timeliness), "clarity": _score(clarity)}
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if token:
            if dossier_from_token(token).pk != dossier.pk:
                raise LinkRefused("forged")
            via = SatisfactionRating.Via.LINK
        else:
            if by is None or not by.is_authenticated or dossier.applicant_id != by.pk:
                raise PermissionDenied
            via = SatisfactionRating.Via.PORTAL
        if dossier.state != State.RETURNED:
            raise ValidationError(_("A dossier is rated once its result is returned."), code="state")
        if SatisfactionRating.objects.filter(dossier=dossier).exists():
            raise ValidationError(ALREADY_RATED, code="rated")
        try:
            with transaction.atomic():
                return SatisfactionRating.objects.create(
                    dossier=dossier,
                    agency=dossier.handling_agency or dossier.receiving_agency,
                    comment=(comment or "").strip()[:2000],
                    via=via,
                    rated_at=clock.now(),
                    **scores,
                )
        except IntegrityError as error:  # a second request that slipped past the check
            raise ValidationError(ALREADY_RATED, code="rated") from error


def invite_to_rate(dossier: Dossier) -> None:
    """When a result is returned, the applicant is asked once to rate it, with a signed single-use link:
    on their channels when they have an account; otherwise, for a dossier registered at the desk or by post,
    by SMS to the phone they gave the clerk in person and by email to the address they gave."""
    # Not filed under the dossier (no `dossier=`): the dossier's own notices stay the record of its steps.
    context = {
        "link": rating_link(dossier),
        "valid_days": settings.SATISFACTION_LINK_DAYS,
        "code": dossier.code or "",
        "procedure": dossier.procedure_version.name,
    }
    key = f"satisfaction-{dossier.pk}"
    if dossier.applicant is not None:
        notify(
            recipient=dossier.applicant,
            event=Event.SATISFACTION_INVITATION,
            context=context,
            dedupe_key=key,
        )
        return
    if dossier.channel == DossierChannel.ONLINE:
        return
    channels: list[tuple[str, str]] = []
    if dossier.applicant_phone:
        channels.append((Channel.SMS, dossier.applicant_phone))
    if dossier.applicant_email:
        channels.append((Channel.EMAIL, dossier.applicant_email))
    if channels:
        notify(
            recipient=None,
            event=Event.SATISFACTION_INVITATION,
            context={"name": dossier.applicant_name, **context},
            channels=channels,
            dedupe_key=key,
        )
