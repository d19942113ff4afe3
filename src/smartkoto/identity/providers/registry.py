"""Registry of resident sign-in providers, on core's one `Registry` shape. The registry is also the
decorator that registers them:

    @providers("digital_auth_app")
    class DigitalAuthAppProvider(OIDCProvider): ...

Providers register when their module is imported from identity's `AppConfig.ready()`; this module never
imports them. Settings choose one by id (SMARTKOTO_IDENTITY_PROVIDER); the database stores only that id.
An unknown configured id is a startup error (system check identity.E001) naming it.
"""

from django.conf import settings

from smartkoto.core.registry import Registry, UnknownPlugin  # noqa: F401  (UnknownPlugin is part of this door)

providers = Registry("identity provider")
register = providers


def configured_id():
    return settings.RESIDENT_IDENTITY_PROVIDER


def get(provider_id=None):
    """An instance of the provider `provider_id` (the configured one by default)."""
    return providers.get(provider_id or configured_id())()


def ids():
    return providers.ids()
