"""Delivery of results by public post (bưu chính công ích, BCCI).

A `DeliveryOrder` is an outbox row: written in the transaction that makes the result ready, then handed to
the postal operator by a Celery task after commit (or by the sweeper if that task never ran). Its `key` is
the client order code the carrier deduplicates on, so a retried submission never makes a second parcel.
`DeliveryEvent` is the order's own timeline: what the carrier reported (by webhook or polling, each report
once) and what the portal did. `SandboxShipment` is the sandbox carrier's own state (the embedded default
stands in for the postal operator's system).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from common import clock
from common.audit import APPEND_ONLY, AppendOnlyModel
from common.predicates import FieldIs
from dossiers.models import Dossier, State
from procedures.models import AdministrativeUnit, Agency, written_address


class OrderStatus(models.TextChoices):
    HELD = "held", _("Held: the address needs checking")
    PENDING = "pending", _("Waiting to be sent to the post office")
    CREATED = "created", _("Accepted by the post office")
    PICKED_UP = "picked_up", _("Picked up by the post office")
    IN_TRANSIT = "in_transit", _("On its way")
    DELIVERED = "delivered", pgettext_lazy("parcel", "Delivered")
    RETURNED = "returned_to_sender", _("Returned to the sender")
    REJECTED = "rejected", _("Refused by the post office")
    CANCELLED = "cancelled", pgettext_lazy("parcel", "Cancelled")


# At most one of these per dossier: a parcel that is on its way, or about to be.
ACTIVE_STATUSES = [
    OrderStatus.HELD,
    OrderStatus.PENDING,
    OrderStatus.CREATED,
    OrderStatus.PICKED_UP,
    OrderStatus.IN_TRANSIT,
]
# With the carrier: the tracking number exists and the parcel can be followed.
WITH_CARRIER = [OrderStatus.CREATED, OrderStatus.PICKED_UP, OrderStatus.IN_TRANSIT]
# The desk must act (while the dossier waits with its result): fix the address, send again, hand the result
# over in person — or, for a delivered parcel whose dossier could not be closed, see why.
NEEDS_DESK = [
    OrderStatus.HELD,
    OrderStatus.RETURNED,
    OrderStatus.REJECTED,
    OrderStatus.CANCELLED,
    OrderStatus.DELIVERED,
]


class AddressProblem(models.TextChoices):
    MISSING = "missing", _("No delivery address was given.")
    UNKNOWN_COMMUNE = "unknown_commune", _("The commune or ward of the address could not be recognised.")
    AMBIGUOUS_COMMUNE = "ambiguous_commune", _("Several communes have this name: say which province.")


class DeliveryOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An order is seen by whoever may see its dossier: the applicant, the agencies' staff."""
        return self.filter(dossier__in=Dossier.objects.visible_to(user))

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def needing_desk(self):
        """Dossiers still waiting at the desk with their result whose latest order is one the desk must deal
        with: held, returned, refused, cancelled — or delivered without the dossier closing."""
        later = DeliveryOrder.objects.filter(dossier=OuterRef("dossier"), pk__gt=OuterRef("pk"))
        return self.filter(status__in=NEEDS_DESK, dossier__state=State.RESULT_READY).exclude(Exists(later))


class DeliveryOrder(FSMModelMixin, models.Model):
    """A parcel with the result documents, from the receiving agency to the applicant's address."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="delivery_orders", verbose_name=_("dossier")
    )
    key = models.UUIDField(
        _("client order code"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent to the postal operator, which creates one parcel per code."),
    )
    carrier = models.CharField(_("postal operator"), max_length=20)
    status = FSMField(_("status"), default=OrderStatus.PENDING, choices=OrderStatus.choices, protected=True)

    sender_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("sender")
    )
    recipient_name = models.CharField(_("recipient"), max_length=150)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=15, blank=True)
    street_address = models.CharField(_("house number, street, hamlet"), max_length=255, blank=True)
    commune = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune / ward"),
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province / city"),
    )
    address_as_written = models.CharField(_("address as the applicant wrote it"), max_length=300, blank=True)
    address_problem = models.CharField(
        _("address problem"), max_length=20, choices=AddressProblem.choices, blank=True
    )

    contents = models.JSONField(
        _("parcel contents"),
        default=list,
        help_text=_('The result documents: [{"document": pk, "name": …}].'),
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    postage = models.PositiveBigIntegerField(_("postage (VND)"))
    fees_to_collect = models.PositiveBigIntegerField(
        _("fees collected on delivery (VND)"),
        default=0,
        help_text=_("Fees due before the result is returned."),
    )
    cod_amount = models.PositiveBigIntegerField(
        _("cash on delivery (VND)"),
        default=0,
        help_text=_("Everything the postman collects: fees and postage."),
    )

    tracking_number = models.CharField(
        _("tracking number"), max_length=40, unique=True, null=True, blank=True
    )
    carrier_order_id = models.CharField(_("operator's order id"), max_length=64, blank=True)

    # Outbox bookkeeping: attempts to hand the order to the carrier.
    attempts = models.PositiveSmallIntegerField(_("submission attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the portal created it as the result became ready."),
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent again after"),
    )
    created_at = models.DateTimeField(pgettext_lazy("parcel", "created"), default=clock.now, editable=False)
    submitted_at = models.DateTimeField(_("accepted by the post office"), null=True, blank=True)
    delivered_at = models.DateTimeField(pgettext_lazy("parcel", "delivered"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to the sender"), null=True, blank=True)
    closed_note = models.CharField(_("note"), max_length=300, blank=True)
    delivery_proof = models.JSONField(_("delivery proof"), default=dict, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DeliveryOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery order")
        verbose_name_plural = _("delivery orders")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_delivery_per_dossier",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["status", "last_polled_at"]),
        ]

    def __str__(self):
        return self.tracking_number or f"{_('Delivery order')} #{self.pk}"

    @property
    def address(self) -> str:
        return written_address(self.street_address, self.commune, self.province) or self.address_as_written

    is_active = FieldIs("status", *ACTIVE_STATUSES)
    is_with_carrier = FieldIs("status", *WITH_CARRIER)
    # Held before sending: the address needs checking.
    is_held = FieldIs("status", OrderStatus.HELD)
    # Waiting to be sent to the post office (retried until it answers).
    is_pending = FieldIs("status", OrderStatus.PENDING)
    is_delivered = FieldIs("status", OrderStatus.DELIVERED)
    is_returned_to_sender = FieldIs("status", OrderStatus.RETURNED)
    # The post office refused the order.
    is_rejected = FieldIs("status", OrderStatus.REJECTED)
    is_cancelled = FieldIs("status", OrderStatus.CANCELLED)

    # --- the state machine (fields only; services lock, record the event, schedule effects) --------------
    @transition(field=status, source=OrderStatus.HELD, target=OrderStatus.PENDING)
    def release(self):
        pass

    @transition(field=status, source=OrderStatus.PENDING, target=OrderStatus.CREATED)
    def accept(self):
        pass

    @transition(field=status, source=OrderStatus.PENDING, target=OrderStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=OrderStatus.CREATED, target=OrderStatus.PICKED_UP)
    def pick_up(self):
        pass

    @transition(
        field=status, source=[OrderStatus.CREATED, OrderStatus.PICKED_UP], target=OrderStatus.IN_TRANSIT
    )
    def depart(self):
        pass

    @transition(field=status, source=WITH_CARRIER, target=OrderStatus.DELIVERED)
    def deliver(self):
        pass

    @transition(field=status, source=WITH_CARRIER, target=OrderStatus.RETURNED)
    def return_to_sender(self):
        pass

    @transition(
        field=status,
        source=[OrderStatus.HELD, OrderStatus.PENDING, OrderStatus.CREATED],
        target=OrderStatus.CANCELLED,
    )
    def cancel(self):
        pass


EVENT_LABELS = {
    "created": _("Delivery order created"),
    "held": _("Held: the address needs checking"),
    "address_corrected": _("Address corrected"),
    "submit_failed": _("The post office could not be reached"),
    "submitted": _("Accepted by the post office"),
    "rejected": _("Refused by the post office"),
    "picked_up": _("Picked up by the post office"),
    "in_transit": _("On its way"),
    "out_for_delivery": _("Out for delivery"),
    "delivery_failed": _("Delivery attempt failed"),
    "delivered": pgettext_lazy("parcel", "Delivered"),
    "returned_to_sender": _("Returned to the sender"),
    "cancelled": pgettext_lazy("parcel", "Cancelled"),
    "cancel_failed": _("Not cancelled"),
    "dossier_returned": _("Dossier closed"),
    "dossier_not_closed": _("Dossier not closed"),
    "dossier_unchanged": _("Dossier unchanged"),
    "fees_paid": _("Fees paid before posting"),
    "fees_paid_twice": _("Fees paid twice"),
    "note": pgettext_lazy("parcel", "Note"),
}


class DeliveryEvent(AppendOnlyModel):
    """One line of an order's timeline: a carrier report (each one once) or something the portal did.
    Append-only, with the acting person's name and role kept on the row."""

    class Source(models.TextChoices):
        PORTAL = "portal", pgettext_lazy("parcel event source", "Portal")
        WEBHOOK = "webhook", _("Post office notice")
        POLL = "poll", _("Tracking query")

    order = models.ForeignKey(DeliveryOrder, on_delete=models.PROTECT, related_name="events")
    code = models.CharField(pgettext_lazy("parcel", "event"), max_length=30)
    source = models.CharField(pgettext_lazy("parcel event", "source"), max_length=10, choices=Source.choices)
    carrier_event_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(_("when"), db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        triggers = [APPEND_ONLY]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "carrier_event_id"],
                condition=~Q(carrier_event_id=""),
                name="one_row_per_carrier_event",
            )
        ]

    def __str__(self):
        return f"{self.order_id} {self.code} {self.at:%H:%M %d/%m/%Y}"

    @property
    def label(self) -> str:
        if self.code == "created" and self.from_carrier:
            return str(OrderStatus.CREATED.label)
        return str(EVENT_LABELS.get(self.code, self.code))

    @property
    def text(self) -> str:
        """What happened, in the reader's language: the carrier's own words for its reports; for the
        portal's events a sentence made now from what was recorded (`data`)."""
        if self.from_carrier:
            return self.description
        data = self.data
        why = data.get("why", "")
        match self.code:
            case "held":
                problem = data.get("problem", "")
                return str(AddressProblem(problem).label) if problem in AddressProblem.values else ""
            case "address_corrected":
                return _("New address: %(address)s") % data
            case "submit_failed":
                return _("Attempt %(attempt)s to reach the post office failed: %(error)s") % data
            case "submitted":
                return _("Accepted by the post office: tracking number %(tracking_number)s.") % data
            case "rejected":
                return _("The post office refused the order: %(error)s") % data
            case "cancelled" if why == "desk_return":
                return str(_("The result was handed over at the desk."))
            case "cancelled" if why == "after_the_fact":
                return _("The parcel %(tracking_number)s made meanwhile was cancelled too.") % data
            case "cancelled":
                return data.get("reason", "")
            case "cancel_failed" if why == "after_the_fact":
                text = _(
                    "The parcel %(tracking_number)s made meanwhile could not be cancelled: "
                    "call the post office."
                )
                return text % data
            case "cancel_failed":
                return _("The post office refused to cancel: %(error)s") % data
            case "dossier_returned":
                return str(_("The dossier is closed: result returned by post."))
            case "dossier_not_closed":
                return _("The dossier could not be closed: %(error)s") % data
            case "dossier_unchanged":
                return str(_("The dossier was already closed at the desk."))
            case "fees_paid":
                return str(_("The fees were paid meanwhile: the postman collects only the postage."))
            case "fees_paid_twice":
                amount = f"{int(data.get('amount') or 0):,}".replace(",", ".")
                text = _(
                    "The fees were also paid another way: the %(amount)s đồng the post office collected "
                    "must be refunded."
                )
                return text % {"amount": amount}
            case "note" if why == "desk_return_in_transit":
                return str(_("The result was handed over at the desk while this parcel is on its way."))
        return self.description

    @property
    def from_carrier(self) -> bool:
        return self.source != self.Source.PORTAL


class SandboxShipment(models.Model):
    """The sandbox carrier's side of a parcel: what the postal operator's system would keep. Its events
    follow a fixed schedule from `created_at` (see postal.carriers.sandbox)."""

    key = models.CharField(max_length=64, unique=True)
    tracking_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    request = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    step_seconds = models.PositiveIntegerField()
    fails = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    events_pushed = models.PositiveSmallIntegerField(default=0)
    finished = models.BooleanField(default=False, db_index=True)

    class Meta:
        verbose_name = _("sandbox shipment")
        verbose_name_plural = _("sandbox shipments")

    def __str__(self):
        return self.tracking_number or self.key
