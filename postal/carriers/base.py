"""What the portal needs from a postal operator, whatever its API: create an order (idempotent on our
client order code), cancel it before pick-up, list its tracking events, and check and read the signed
tracking notices it sends us. One module per operator; `sandbox` is the embedded default."""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

# The tracking statuses every carrier maps its own onto. `delivery_failed` and `out_for_delivery` are
# timeline lines only; the others move the order (see postal.services.apply_tracking_event).
CREATED = "created"
PICKED_UP = "picked_up"
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERY_FAILED = "delivery_failed"
DELIVERED = "delivered"
RETURNED_TO_SENDER = "returned_to_sender"
CANCELLED = "cancelled"
TRACKING_STATUSES = (
    CREATED,
    PICKED_UP,
    IN_TRANSIT,
    OUT_FOR_DELIVERY,
    DELIVERY_FAILED,
    DELIVERED,
    RETURNED_TO_SENDER,
    CANCELLED,
)


class CarrierError(Exception):
    """The carrier could not do what was asked."""


class TransientCarrierError(CarrierError):
    """Worth trying again later: a timeout, a connection error, a 5xx or a 429."""


class PermanentCarrierError(CarrierError):
    """Trying again changes nothing (a 4xx: the request itself is wrong, or the parcel is past that point)."""


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    street_address: str
    commune_code: str
    commune_name: str
    province_code: str
    province_name: str


@dataclass(frozen=True)
class OrderRequest:
    key: str  # our client order code: the carrier makes one parcel per key
    sender: Party
    recipient: Party
    contents: list[str]
    weight_grams: int
    cod_amount: int  # integer đồng
    reference: str  # the dossier code, printed on the parcel
    note: str = ""


@dataclass(frozen=True)
class CarrierOrder:
    tracking_number: str
    carrier_order_id: str
    postage: int | None = None  # what the carrier charges, when it says


@dataclass(frozen=True)
class TrackingEvent:
    event_id: str
    status: str
    at: datetime.datetime
    tracking_number: str = ""
    client_order_code: str = ""
    location: str = ""
    description: str = ""
    proof: dict = field(default_factory=dict)  # on delivery: who received it, when, signature/photo reference


class Carrier(ABC):
    name = ""

    @abstractmethod
    def create_order(self, request: OrderRequest) -> CarrierOrder:
        """Create the parcel, or return the one already made for `request.key`."""

    @abstractmethod
    def cancel_order(self, tracking_number: str) -> None:
        """Cancel before pick-up; PermanentCarrierError once the post office has the parcel."""

    @abstractmethod
    def track(self, tracking_number: str) -> list[TrackingEvent]:
        """Every tracking event so far, oldest first."""

    @abstractmethod
    def verify_webhook(self, body: bytes, headers) -> bool:
        """True only for a notice signed with our shared secret (constant-time compare), and fresh."""

    @abstractmethod
    def parse_webhook(self, body: bytes) -> list[TrackingEvent]:
        """The events of a verified notice; ValueError when it is not what the API documents."""
