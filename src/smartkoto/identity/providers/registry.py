"""Registry of resident sign-in providers. It is also the decorator that registers them:

    @registry.register("digital_auth_app")
    class DigitalAuthAppProvider(OIDCProvider): ...

Settings choose one by id (SMARTKOTO_IDENTITY_PROVIDER); the database stores only that id.
"""

from django.conf import settings

_providers = {}


def register(provider_id):
    def decorator(cls):
        cls.id = provider_id
        _providers[provider_id] = cls
        return cls

    return decorator


def get(provider_id=None):
    provider_id = provider_id or settings.RESIDENT_IDENTITY_PROVIDER
    if provider_id not in _providers:
        raise LookupError(f"No identity provider '{provider_id}'. Known: {', '.join(sorted(_providers))}")
    return _providers[provider_id]()


def ids():
    return sorted(_providers)


def load_builtin():
    from . import oidc  # noqa: F401  (registers oidc, digital_auth_app, development)
