"""Domain events other apps subscribe to (floor 4 listens to floor 3; payments never imports them).

Sent after the database transaction commits, with sender=Payment and kwargs payment=..., reference=...
"""

from django.dispatch import Signal

payment_succeeded = Signal()
payment_refunded = Signal()
payment_failed = Signal()
