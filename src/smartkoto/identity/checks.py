"""Startup checks of identity: the configured sign-in provider must be one that registered."""

from django.core.checks import Error, register


@register("smartkoto")
def configured_identity_provider(app_configs, **kwargs):
    from .providers import registry

    provider_id = registry.configured_id()
    if provider_id in registry.providers:
        return []
    return [Error(
        f"SMARTKOTO_IDENTITY_PROVIDER names an unknown identity provider '{provider_id}'.",
        hint=f"Known identity providers: {', '.join(registry.ids()) or 'none'}.",
        id="identity.E001",
    )]
