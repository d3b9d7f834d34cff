"""What every payment gateway offers the portal: a signed payment URL, the check of its signed notification,
a query of one transaction, and a refund. One module per provider (vnpay.py, sandbox.py)."""

import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field


class GatewayError(Exception):
    """A transient failure (network, timeout, the gateway's 'try again' answers): retry later."""


class GatewayRejected(Exception):
    """The gateway answered no, for good (unknown transaction, not refundable, bad data): do not retry."""


@dataclass(frozen=True)
class Notification:
    """What a signed notification or browser return says. `amount` is whole đồng, None when unreadable."""

    valid_signature: bool
    txn_ref: str
    amount: int | None
    response_code: str
    transaction_status: str
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""

    @property
    def succeeded(self) -> bool:
        """Paid only when the gateway says so twice: response code and transaction status both 00."""
        return self.response_code == "00" and self.transaction_status == "00"


@dataclass(frozen=True)
class QueryResult:
    """The gateway's answer about one transaction (querydr)."""

    found: bool
    response_code: str
    transaction_status: str = ""
    transaction_type: str = ""
    amount: int | None = None
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.found and self.transaction_status == "00" and self.transaction_type in ("", "01")

    @property
    def failed(self) -> bool:
        """The bank finished the transaction without taking the money."""
        return self.found and self.transaction_type in ("", "01") and self.transaction_status == "02"

    @property
    def refunded(self) -> bool:
        """A refund of this transaction was accepted (02 full, 03 partial; done, processing or sent)."""
        return (
            self.found
            and self.transaction_type in ("02", "03")
            and self.transaction_status
            in (
                "00",
                "05",
                "06",
            )
        )


@dataclass(frozen=True)
class RefundResult:
    response_code: str
    message: str = ""
    transaction_no: str = ""
    raw: dict = field(default_factory=dict)


class HttpTransport:
    """JSON over HTTPS with a timeout. Network trouble and 5xx are transient; 4xx are not."""

    def __init__(self, timeout: float = 15.0):
        self.timeout = timeout

    def post_json(self, url: str, payload: dict) -> dict:
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise GatewayError(f"HTTP {error.code} from the gateway") from error
            raise GatewayRejected(f"HTTP {error.code} from the gateway") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise GatewayError(f"Gateway unreachable: {error}") from error
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise GatewayError("The gateway's answer is not JSON") from error
        if not isinstance(answer, dict):
            raise GatewayError("The gateway's answer is not a JSON object")
        return answer


class PaymentGateway(ABC):
    code: str = ""

    @abstractmethod
    def new_txn_ref(self, now) -> str:
        """A reference for a new attempt: unique per attempt (and so per day)."""

    @abstractmethod
    def payment_url(self, attempt, *, return_url: str) -> str:
        """Where the payer's browser goes to pay `attempt`; the gateway sends it back to `return_url`."""

    @abstractmethod
    def parse_notification(self, params: Mapping[str, str]) -> Notification:
        """Read a notification (or browser return) and check its signature in constant time."""

    @abstractmethod
    def query(self, attempt, *, request_id: str) -> QueryResult:
        """Ask the gateway what became of `attempt`."""

    @abstractmethod
    def refund(self, refund, *, request_id: str, created_by: str) -> RefundResult:
        """Ask the gateway to give `refund.amount` back. Raises GatewayError / GatewayRejected."""
