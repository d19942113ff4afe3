"""The payment providers, on the one registry shape (`core.registry.Registry`). The registry is the decorator:

    @providers("simulated")
    class SimulatedProvider(PaymentProvider): ...

Providers register from payments' `AppConfig.ready()` (which imports their modules); this module never
imports them. The setting PAYMENTS_PROVIDER (env SMARTKOTO_PAYMENTS_PROVIDER) chooses the one new payments
use; an unknown id is a startup error (system check payments.E001). Each payment stores only the id of the
provider it was made with.
"""

import os

from django.conf import settings

from smartkoto.core.registry import Registry, UnknownPlugin  # noqa: F401

providers = Registry("payment provider")
register = providers  # `@register("id")` reads well in the plug-in modules


def default_id():
    return getattr(settings, "PAYMENTS_PROVIDER", None) or os.environ.get("SMARTKOTO_PAYMENTS_PROVIDER", "simulated")


def get(provider_id=None):
    """An instance of the provider `provider_id` (the configured one by default); UnknownPlugin names it."""
    return providers.get(provider_id or default_id())()


def ids():
    return providers.ids()
