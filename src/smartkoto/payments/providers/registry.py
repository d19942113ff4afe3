"""Registry of payment providers. It is also the decorator that registers them:

    @registry.register("simulated")
    class SimulatedProvider(PaymentProvider): ...

The setting PAYMENTS_PROVIDER (env SMARTKOTO_PAYMENTS_PROVIDER) chooses the one new payments use;
each payment stores only the id of the provider it was made with.
"""

import os

from django.conf import settings

_providers = {}


def register(provider_id):
    def decorator(cls):
        cls.id = provider_id
        _providers[provider_id] = cls
        return cls

    return decorator


def default_id():
    return getattr(settings, "PAYMENTS_PROVIDER", None) or os.environ.get("SMARTKOTO_PAYMENTS_PROVIDER", "simulated")


def get(provider_id=None):
    provider_id = provider_id or default_id()
    if provider_id not in _providers:
        raise LookupError(f"No payment provider '{provider_id}'. Known: {', '.join(sorted(_providers))}")
    return _providers[provider_id]()


def ids():
    return sorted(_providers)


def load_builtin():
    from . import simulated, stripe  # noqa: F401
