"""Listening to payments (floor 3) from applications (floor 4): the only way a payment changes a case.

payments sends these signals after its transaction commits and only from `services.apply_snapshot`, which is
fed by verified webhooks and polls of the provider. Each listener is idempotent (keyed by reference and
payment), because a signal may come more than once and a failure may be followed by a late capture. The
services act as the system actor "payments" (the only actor `case.payment_signal` allows).
"""

from smartkoto.core.actor import Actor

from . import services

PAYMENT_SIGNAL = "payments"


def on_payment_succeeded(sender, payment, reference, **kwargs):
    services.payment_succeeded(payment, reference, actor=Actor.system(PAYMENT_SIGNAL))


def on_payment_failed(sender, payment, reference, **kwargs):
    services.payment_failed(payment, reference, actor=Actor.system(PAYMENT_SIGNAL))


def on_payment_refunded(sender, payment, reference, **kwargs):
    services.payment_refunded(payment, reference, actor=Actor.system(PAYMENT_SIGNAL))


def case_link(reference, actor):
    """For the payments staff pages: the case a payment belongs to (a link only for staff who may read the case)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .models import Application
    from .permissions import policy

    if not reference or not reference.startswith("KT-"):
        return None
    application = Application.objects.filter(reference=reference).only("reference", "department_code").first()
    if application is None:
        return None
    label = _("Application %(reference)s") % {"reference": reference}
    if not policy.can(actor, "case.read", application):
        return {"label": label, "url": ""}  # staff of another department (e.g. 会計管理室) see which case, without a link
    return {"label": label, "url": reverse("applications_staff:case", args=[reference])}
