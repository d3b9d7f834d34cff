"""Use cases of notifications: write outbox rows (notify), hand them to providers (deliver), re-queue the
ones left behind (sweep), record delivery receipts, and the inbox's mark-as-read.

notify() runs inside the caller's transaction, so the rows exist if and only if the change that caused them
was committed. The send itself happens after commit on a Celery worker; a row is claimed by a conditional
UPDATE before it is sent, so two workers (or a task delivered twice) never send the same row twice.
"""

import datetime
import json
import logging
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q

from common import clock
from common.links import absolute_url
from common.tasks import queue_batches

from . import rendering, selectors
from .events import SECRET_CONTEXT_KEYS, SINGLE_CHANNEL, Event
from .models import Channel, DeliveryAttempt, Notification, Status
from .providers import PermanentError, TransientError, send_email, sms_backend

if TYPE_CHECKING:  # accounts and dossiers sit above notifications: type-only imports
    from accounts.models import User
    from accounts.types import Actor
    from dossiers.models import Dossier

logger = logging.getLogger(__name__)


# --- writing the outbox ---------------------------------------------------------------------------------
def _profile(recipient: "User") -> Any:
    # accounts.CitizenProfile, read by attribute: notifications sits below accounts in the layering.
    return getattr(recipient, "profile", None)


def _verified_phone(recipient: "User") -> str:
    """The phone in the person's profile if they confirmed it with an SMS code, else "": SMS notices never
    go to a number nobody proved to hold (not a mistyped one, not the one typed on a dossier)."""
    profile = _profile(recipient)
    if profile is None or not getattr(profile, "phone_is_verified", False):
        return ""
    return str(profile.phone)


def channels_for(recipient: "User") -> list[tuple[str, str]]:
    """(channel, address) pairs this person receives: the portal always; email and SMS as chosen in the
    profile (both on by default; staff without a profile get email), when there is an address to use — for
    SMS, a verified phone number."""
    profile = _profile(recipient)
    wants_email = getattr(profile, "notify_by_email", True) if profile is not None else True
    wants_sms = getattr(profile, "notify_by_sms", True) if profile is not None else False
    pairs: list[tuple[str, str]] = [(Channel.PORTAL, "")]
    if wants_email and recipient.email:
        pairs.append((Channel.EMAIL, recipient.email))
    phone = _verified_phone(recipient) if wants_sms else ""
    if phone:
        pairs.append((Channel.SMS, phone))
    return pairs


def _link(context: dict[str, Any], dossier: "Dossier | None") -> str:
    if context.get("link"):
        return str(context["link"])
    if dossier is not None and hasattr(dossier, "get_absolute_url"):
        return dossier.get_absolute_url()
    return ""


def notify(
    *,
    recipient: "User | None",
    event: str,
    context: dict[str, Any],
    dossier: "Dossier | None" = None,
    dedupe_key: str = "",
    channels: list[tuple[str, str]] | None = None,
) -> list[Notification]:
    """Tell `recipient` about `event` on every channel they receive (in-portal always, email and SMS as
    chosen), in their language. Call it inside the transaction of the change; the rows are sent after
    commit. `dedupe_key` (optional) makes a repeated call for the same fact a no-op. `channels` names the
    (channel, address) pairs instead, for the events of events.SINGLE_CHANNEL (a code sent to a phone
    number being verified).

    `recipient=None` is someone without an account (a feedback sender known by phone, a desk applicant):
    `channels` must then name where to send, never the portal (no inbox without an account), and the text
    is in LANGUAGE_CODE, Vietnamese."""
    if event not in Event.values:
        raise ValueError(f"Unknown notification event: {event!r}")
    only = SINGLE_CHANNEL.get(event)
    if only is not None and (not channels or any(channel != only for channel, _address in channels)):
        raise ValueError(f"The {event} event goes only by {only}, to the address given in `channels`")
    if recipient is None:
        channels = _channels_without_account(channels)
    elif channels is None:
        channels = channels_for(recipient)
    try:
        context = json.loads(json.dumps(context))
    except (TypeError, ValueError) as error:
        raise TypeError(f"Notification context must be JSON-serialisable: {error}") from error
    # A repeated call with the same dedupe_key is refused by the unique constraint (no query first: the
    # repeat is rare, each filing and step writes a notice).
    rows = _outbox_rows(
        recipient=recipient,
        event=event,
        context=context,
        dossier=dossier,
        dedupe_key=dedupe_key,
        channels=channels,
    )
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows)
    except IntegrityError:
        if not dedupe_key:
            raise
        # recipient=None matches the rows without an account (IS NULL).
        return list(Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key))
    to_send = [row.pk for row in rows if row.channel != Channel.PORTAL]
    # A notice in their inbox: the header counts anew.
    inbox_of = recipient.pk if recipient is not None and len(to_send) < len(rows) else None
    if to_send or inbox_of:
        transaction.on_commit(lambda: _after_commit(to_send, inbox_of))
    return rows


def _after_commit(to_send: list[int], inbox_of: int | None) -> None:
    if to_send:
        enqueue(to_send)
    if inbox_of is not None:
        selectors.forget_unread_count(inbox_of)


def _channels_without_account(channels: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if not channels:
        raise ValueError("A notice to someone without an account needs `channels`: where to send it")
    for channel, address in channels:
        if channel == Channel.PORTAL:
            raise ValueError("The portal channel needs an account: someone without one has no inbox")
        if not address:
            raise ValueError(f"A notice to someone without an account needs an address for {channel}")
    return channels


def _outbox_rows(
    *,
    recipient: "User | None",
    event: str,
    context: dict[str, Any],
    dossier: "Dossier | None",
    dedupe_key: str,
    channels: list[tuple[str, str]],
) -> list[Notification]:
    """One unsaved row per channel, its message rendered in the recipient's language now; secret context
    keys (events.SECRET_CONTEXT_KEYS) are in the text only, not in the stored context."""
    link = _link(context, dossier)
    language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    now = clock.now()
    values = {
        "name": str(recipient) if recipient is not None else "",  # the caller's context may name them
        "url": absolute_url(link) if link.startswith("/") else link,
        **_dossier_values(dossier),
        **context,
    }
    secret = SECRET_CONTEXT_KEYS.get(event, ())
    stored_context = {key: value for key, value in context.items() if key not in secret}
    rows = []
    for channel, address in channels:
        message = rendering.render(event=event, channel=channel, context=values, language=language)
        row = Notification(
            recipient=recipient,
            event=event,
            channel=channel,
            language=language,
            address=address,
            subject=message.subject,
            body=message.body,
            link=link,
            context=stored_context,
            dossier_id=getattr(dossier, "pk", None),
            dossier_code=(getattr(dossier, "code", "") or "") if dossier is not None else "",
            dedupe_key=dedupe_key,
            created_at=now,
            next_attempt_at=now,
        )
        if channel == Channel.PORTAL:
            # The database is the in-portal provider: the notice is delivered when the change commits.
            row.status, row.sent_at, row.delivered_at = Status.DELIVERED, now, now
        rows.append(row)
    return rows


def _dossier_values(dossier: "Dossier | None") -> dict[str, str]:
    if dossier is None:
        return {}
    version = getattr(dossier, "procedure_version", None)
    return {"code": getattr(dossier, "code", "") or "", "procedure": getattr(version, "name", "") or ""}


def enqueue(notification_ids, *, countdown: float | None = None) -> int:
    """Queue the rows' sending, NOTIFICATIONS_BATCH_SIZE rows a task (a notice's e-mail and SMS, a sweep's
    rows): Celery's cost per task is paid once a batch. A broker that is down loses nothing: the rows stay
    in the outbox and the sweeper queues them again. Returns how many rows were queued."""
    from .tasks import send_notifications

    return queue_batches(
        send_notifications, notification_ids, size=settings.NOTIFICATIONS_BATCH_SIZE, countdown=countdown
    )


# --- sending ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What deliver() did: `state` is skipped/sent/retry/failed; `retry_in` seconds when state is retry."""

    state: str
    retry_in: float | None = None


def retry_delay(attempts: int) -> float:
    """Exponential backoff: base, 2×base, 4×base, … after the 1st, 2nd, 3rd failed attempt."""
    return settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def retry_window() -> datetime.timedelta:
    """How long a row is retried before it is given up (≥ 4 hours with the defaults)."""
    return datetime.timedelta(
        seconds=sum(retry_delay(n) for n in range(1, settings.NOTIFICATIONS_MAX_ATTEMPTS))
    )


# The conditional UPDATE that claims rows and returns them: one statement, one commit, for a batch as for one
# row (UPDATE … RETURNING runs on PostgreSQL and on SQLite ≥ 3.35; QuerySet.update() returns a count, which
# cost a SELECT after it). A row waiting and due, or stuck in `sending` past its lease (its worker died);
# never an in-portal row.
CLAIM = """
    UPDATE notifications_notification
    SET status = %s, claimed_at = %s, attempts = attempts + 1
    WHERE id IN ({ids}) AND channel <> %s
      AND ((status = %s AND next_attempt_at <= %s) OR (status = %s AND claimed_at < %s))
    RETURNING *
"""


def _claim(notification_ids: list[int], now: datetime.datetime) -> dict[int, Notification]:
    """Claim the rows for this worker: a row sent, held by another worker or not yet due is left out."""
    ids = [int(pk) for pk in notification_ids]
    if not ids:
        return {}
    lease_expired = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS)
    early = now + datetime.timedelta(seconds=5)  # tolerate a countdown that fires a little early
    params = [Status.SENDING, now, *ids, Channel.PORTAL, Status.CREATED, early, Status.SENDING, lease_expired]
    sql = CLAIM.format(ids=", ".join(["%s"] * len(ids)))
    # raw() turns the returned columns into Notifications, with the ORM's conversions. A write: on the
    # default connection, whatever the read router would choose.
    return {row.pk: row for row in Notification.objects.raw(sql, params, using=connection.alias)}


def _send(row: Notification) -> str:
    if row.channel == Channel.EMAIL:
        return send_email(row)
    if row.channel == Channel.SMS:
        return sms_backend().send(to=row.address, text=row.body, reference=str(row.key))
    raise PermanentError(f"Nothing sends the {row.channel} channel")


def deliver(notification_id: int) -> Outcome:
    """Hand one outbox row to its provider, once. A row another worker holds, or already sent, is skipped;
    timeouts and 5xx are retried with backoff up to NOTIFICATIONS_MAX_ATTEMPTS, a 4xx fails at once.
    Two statements around the send: the claim, then the result with its attempt row."""
    claimed_at = clock.now()
    row = _claim([notification_id], claimed_at).get(notification_id)
    if row is None:
        return Outcome("skipped")
    return _deliver_claimed(row, claimed_at)


def send_window(claimed_at: datetime.datetime) -> datetime.datetime:
    """The last moment a claimed row may still be handed to its provider: half its lease, so that a send
    started then (its timeouts are seconds) ends long before another worker may claim the row again."""
    return claimed_at + datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS / 2)


def deliver_batch(notification_ids: list[int]) -> list[Outcome]:
    """deliver() for a batch of rows (enqueue's): claimed by one statement, then each handed to its provider
    and its result written as it comes; an outcome per id, in their order. A bug on one row fails that row
    visibly (logged) and stops none of the others."""
    claimed_at = clock.now()
    claimed = _claim(notification_ids, claimed_at)
    outcomes = []
    for notification_id in notification_ids:
        row = claimed.get(notification_id)
        if row is None:
            outcomes.append(Outcome("skipped"))
            continue
        try:
            outcomes.append(_deliver_claimed(row, claimed_at))
        except Exception:  # a bug, not the provider: _deliver_claimed failed the row; the batch goes on
            logger.exception("Notification %s could not be sent", notification_id)
            outcomes.append(Outcome("failed"))
    return outcomes


def _deliver_claimed(row: Notification, claimed_at: datetime.datetime) -> Outcome:
    """deliver() for a row this worker claimed at `claimed_at`. A row whose send window closed while the ones
    before it in its batch were sent is left to the sweeper, which queues it again once its lease is over:
    never sent twice."""
    if clock.now() > send_window(claimed_at):
        logger.warning("Notification %s: claimed too long ago to be sent now; the sweeper will", row.pk)
        return Outcome("skipped")
    try:
        message_id = _send(row)
    except TransientError as error:
        if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            _finish(
                row, claimed_at, DeliveryAttempt.Outcome.FAILED, f"{error} (gave up)", status=Status.FAILED
            )
            logger.error("Notification %s failed after %s attempts: %s", row.pk, row.attempts, error)
            return Outcome("failed")
        delay = retry_delay(row.attempts)
        next_attempt_at = clock.now() + datetime.timedelta(seconds=delay)
        _finish(
            row,
            claimed_at,
            DeliveryAttempt.Outcome.RETRY,
            str(error),
            status=Status.CREATED,
            next_attempt_at=next_attempt_at,
        )
        return Outcome("retry", retry_in=delay)
    except PermanentError as error:
        _finish(row, claimed_at, DeliveryAttempt.Outcome.FAILED, str(error), status=Status.FAILED)
        logger.warning("Notification %s refused by the provider: %s", row.pk, error)
        return Outcome("failed")
    except Exception as error:
        # A bug, not the provider: fail the row visibly rather than loop on it, and let the task log it.
        _finish(row, claimed_at, DeliveryAttempt.Outcome.FAILED, repr(error), status=Status.FAILED)
        raise
    _finish(row, claimed_at, DeliveryAttempt.Outcome.SENT, "", message_id, status=Status.SENT)
    return Outcome("sent")


def _finish(row, claimed_at, outcome: str, error: str, message_id: str = "", **fields) -> None:
    """Record the attempt and the row's new state together, the row only if the claim is still ours."""
    finished = clock.now()
    if fields["status"] == Status.SENT:
        fields.update(sent_at=finished, provider_message_id=message_id[:150])
    elif fields["status"] == Status.FAILED:
        fields["failed_at"] = finished
    if row.event in SECRET_CONTEXT_KEYS and fields["status"] in {Status.SENT, Status.FAILED}:
        fields["body"] = masked(row.body)
    fields["last_error"] = error[:2000]
    attempt = DeliveryAttempt(
        notification_id=row.pk,
        number=row.attempts,
        started_at=claimed_at,
        finished_at=finished,
        outcome=outcome,
        error=error[:2000],
        provider_message_id=message_id[:150],
    )
    if connection.vendor == "postgresql":
        updated = _update_and_record(row.pk, claimed_at, fields, attempt)
    else:
        with transaction.atomic():
            claim = Notification.objects.filter(pk=row.pk, status=Status.SENDING, claimed_at=claimed_at)
            updated = claim.update(**fields)
            attempt.save()
    if not updated:
        logger.error("Notification %s: its claim expired while it was being sent (%s)", row.pk, outcome)


def masked(text: str) -> str:
    """The text of a sent one-time code with its digits hidden: the outbox keeps no usable code."""
    return re.sub(r"\d{4,}", lambda match: "*" * len(match.group()), text)


ATTEMPT_COLUMNS = [
    "notification_id",
    "number",
    "started_at",
    "finished_at",
    "outcome",
    "error",
    "provider_message_id",
]


def _column(name: str) -> str:
    field = Notification._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.column


def _update_and_record(
    pk: int, claimed_at: datetime.datetime, fields: dict[str, Any], attempt: DeliveryAttempt
) -> int:
    """PostgreSQL: the row's UPDATE and the attempt's INSERT in one statement (a data-modifying WITH), so the
    result costs one round trip and one commit. Returns how many rows the UPDATE changed (0 or 1)."""
    assignments = ", ".join(f"{_column(name)} = %s" for name in fields)
    sql = (
        f"WITH finished AS (UPDATE notifications_notification SET {assignments}"
        " WHERE id = %s AND status = %s AND claimed_at = %s RETURNING 1)"
        f" INSERT INTO notifications_deliveryattempt ({', '.join(ATTEMPT_COLUMNS)})"
        f" VALUES ({', '.join(['%s'] * len(ATTEMPT_COLUMNS))})"
        " RETURNING (SELECT count(*) FROM finished)"
    )
    params = [*fields.values(), pk, Status.SENDING, claimed_at]
    params += [getattr(attempt, column) for column in ATTEMPT_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def sweep(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Queue again the rows left behind: still waiting a while after they were due (the broker was down at
    commit, the queued task was lost) or stuck in `sending` past the lease (the worker was killed)."""
    now = now or clock.now()
    grace = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    lease_expired = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS)
    stale = Q(status=Status.CREATED, next_attempt_at__lte=grace) | Q(
        status=Status.SENDING, claimed_at__lt=lease_expired
    )
    ids = list(
        Notification.objects.filter(stale)
        .exclude(channel=Channel.PORTAL)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    # Not picked again before another grace period: a long queue is not flooded with copies.
    Notification.objects.filter(pk__in=ids, status=Status.CREATED).update(next_attempt_at=now)
    logger.info("Sweeper re-queues %s notifications", len(ids))
    return enqueue(ids)


def resend(*, notifications) -> int:
    """Staff send failed rows again (e.g. after fixing a wrong address or the gateway's credentials)."""
    ids = list(
        notifications.filter(status=Status.FAILED)
        .exclude(channel=Channel.PORTAL)
        .exclude(event__in=list(SECRET_CONTEXT_KEYS))  # a masked code: the person asks for a new one
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        Notification.objects.filter(pk__in=ids, status=Status.FAILED).update(
            status=Status.CREATED, attempts=0, next_attempt_at=clock.now(), failed_at=None
        )
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


# --- delivery receipts ------------------------------------------------------------------------------------
def record_sms_receipt(
    *, provider_message_id: str = "", reference: str = "", delivered: bool, error: str = ""
) -> Notification | None:
    """The SMS gateway's delivery receipt: sent → delivered, or failed with the operator's reason. Found by
    the gateway's message id, or by our reference (the row's key). A repeated receipt changes nothing;
    None when no row matches."""
    if provider_message_id:
        match = Q(provider_message_id=provider_message_id)
    else:
        try:
            match = Q(key=uuid.UUID(reference))
        except ValueError:
            return None
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(match, channel=Channel.SMS).first()
        if row is None:
            return None
        if row.status in {Status.DELIVERED, Status.FAILED}:
            return row
        now = clock.now()
        if delivered:
            row.status, row.delivered_at = Status.DELIVERED, now
        else:
            row.status, row.failed_at = Status.FAILED, now
            row.last_error = error[:2000] or "undelivered"
        row.save(update_fields=["status", "delivered_at", "failed_at", "last_error"])
        return row


# --- the inbox ------------------------------------------------------------------------------------------
def mark_read(*, user: "Actor", notification_id: int) -> bool:
    """Only the recipient can mark a notice read; True when it was unread."""
    return bool(_mark_read(user, Notification.objects.unread_by(user).filter(pk=notification_id)))


def mark_all_read(*, user: "Actor") -> int:
    return _mark_read(user, Notification.objects.unread_by(user))


def _mark_read(user: "Actor", unread) -> int:
    marked = unread.update(read_at=clock.now())
    if marked:  # the header counts anew once the reading commits
        transaction.on_commit(lambda: selectors.forget_unread_count(user.pk))
    return marked
