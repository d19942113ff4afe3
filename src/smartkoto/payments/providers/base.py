"""The contract every payment provider plug-in fulfils.

Our code never sees card data: `create` returns the provider's own page to send the resident to, and
everything we learn afterwards comes back as a `Snapshot` of the provider's record (by webhook or poll).
Every call that creates something at the provider carries an idempotency key.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


class ProviderError(Exception):
    """The provider could not be reached or refused the call. `retryable` says whether to try again."""

    def __init__(self, message, *, retryable=True, code=""):
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class WebhookRefused(Exception):
    """A webhook that must not be applied (bad signature, stale timestamp, malformed). Logged and answered 400."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


MAX_TIMESTAMP = 2**40  # year 36812: any signature timestamp beyond it is nonsense, not a number to compute with


def signature_timestamp(text):
    """The `t=` of a webhook signature as a bounded int; WebhookRefused("bad_timestamp") otherwise."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 13 or int(text) > MAX_TIMESTAMP:
        raise WebhookRefused("bad_timestamp")
    return int(text)


@dataclass
class Checkout:
    provider_ref: str
    url: str


@dataclass
class RefundSnapshot:
    provider_ref: str
    amount: int
    status: str  # pending | succeeded | failed
    our_refund_id: str = ""


@dataclass
class Snapshot:
    """The provider's view of one payment, in our vocabulary (workflow.Status values)."""

    provider_ref: str
    status: str
    amount: int
    amount_captured: int = 0
    amount_refunded: int = 0
    fee: int = 0
    updated: datetime | None = None
    raw_status: str = ""
    payment_ref: str = ""  # the provider's id of the money movement (e.g. a PaymentIntent), used in its reports
    refunds: list[RefundSnapshot] = field(default_factory=list)


@dataclass
class WebhookEvent:
    event_id: str
    event_type: str
    provider_ref: str
    snapshot: Snapshot | None = None  # None: the receiver asks the provider (poll) for the current state


@dataclass
class SettlementRow:
    """One line of a provider's settlement report (入金明細)."""

    provider_ref: str  # payment reference at the provider
    kind: str  # "payment" | "refund"
    amount: int  # positive for payments, negative for refunds
    fee: int
    net: int
    settled_on: date
    line_ref: str = ""  # the provider's id for this line (charge or refund id)


class PaymentProvider:
    id: str = ""
    label = ""

    def create(self, *, amount: int, reference: str, description: str, return_url: str, idempotency_key: str,
               metadata: dict) -> Checkout:
        raise NotImplementedError

    def retrieve(self, provider_ref: str) -> Snapshot:
        raise NotImplementedError

    def cancel(self, provider_ref: str, *, idempotency_key: str) -> Snapshot:
        raise NotImplementedError

    def refund(self, provider_ref: str, *, amount: int, idempotency_key: str, metadata: dict) -> RefundSnapshot:
        raise NotImplementedError

    def verify_webhook(self, body: bytes, headers) -> WebhookEvent:
        raise NotImplementedError

    def settlement_report(self, start: date, end: date) -> list[SettlementRow]:
        raise NotImplementedError
