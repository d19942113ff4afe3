"""Domain events other apps subscribe to (floor 4 listens to floor 3; payments never imports them).

Sent with sender=Payment and kwargs payment=..., reference=... . Each signal is recorded (`PendingSignal`) in the
same transaction as the status change it announces and delivered right after commit; if the process dies before
that, or a receiver raises, the sweep delivers it again. Delivery is at-least-once: receivers must be idempotent
(key on the payment and the outcome, never count calls). Receivers run inside the transaction that marks the
signal delivered, so their own writes and the delivery mark commit together.
"""

from django.dispatch import Signal

payment_succeeded = Signal()
payment_refunded = Signal()
payment_failed = Signal()
