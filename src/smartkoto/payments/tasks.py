"""Background work: deliver the simulated provider's webhooks, poll stuck payments, expire old ones,
retry refunds the provider did not answer. `smartkoto manage payments_sweep` enqueues the sweep."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

STUCK_AFTER = timedelta(minutes=5)


@task()
def deliver_sim_webhook(hook_id):
    from .providers import simulated

    return simulated.deliver(hook_id)


@task()
def poll_payment(payment_id):
    from smartkoto.core.actor import Actor

    from . import services
    from .models import Payment

    return services.poll(Payment.objects.get(pk=payment_id), actor=Actor.system("payments.poll"))


@task()
def sweep():
    """Poll payments stuck half-way, expire those past their time, resend refunds left pending, deliver payment
    signals a crash (or a failing receiver) left undelivered."""
    from smartkoto.core.actor import Actor

    from . import services
    from .models import Payment, Refund
    from .providers.base import ProviderError
    from .workflow import Status

    actor = Actor.system("payments.sweep")
    now = timezone.now()
    done = {"polled": 0, "expired": 0, "refunds": 0, "errors": 0}
    for payment in Payment.objects.filter(status__in=Status.OPEN, updated_at__lte=now - STUCK_AFTER).exclude(provider_ref=""):
        try:
            if payment.expires_at <= now:
                services.expire(payment, actor=actor)
                done["expired"] += 1
            else:
                services.poll(payment, actor=actor)
                done["polled"] += 1
        except ProviderError:
            done["errors"] += 1
    for payment in Payment.objects.filter(status__in=Status.OPEN, provider_ref="", expires_at__lte=now):
        services.expire(payment, actor=actor)
        done["expired"] += 1
    for refund in Refund.objects.filter(state=Refund.State.SUBMITTED, decided_at__lte=now - timedelta(minutes=1)):
        services.submit_refund(refund, actor=actor)
        done["refunds"] += 1
    done["signals"] = services.deliver_pending_signals(actor=actor)  # recorded, not delivered (a crash after commit)
    done["webhooks_resent"] = resend_sim_webhooks(now)
    return done


def resend_sim_webhooks(now):
    """The simulated provider retries undelivered webhooks, as real providers do (at most 5 attempts)."""
    from .models import SimWebhook
    from .providers import simulated

    if not simulated.deliver_webhooks():
        return 0
    resent = 0
    for hook in SimWebhook.objects.filter(delivered_at__isnull=True, attempts__lt=5, created_at__lte=now - timedelta(minutes=1)):
        simulated.deliver(hook.id)
        resent += 1
    return resent
