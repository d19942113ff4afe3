from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "smartkoto.identity"
    label = "identity"
    verbose_name = _("People and sign-in")

    def ready(self):
        from smartkoto.core import middleware

        from . import checks  # noqa: F401  (identity.E001: the configured provider must exist)
        from .providers import oidc, registry  # noqa: F401  (importing oidc registers oidc, digital_auth_app, development)

        # The sign-in form answers with a redirect to the provider: let the browser follow it (CSP form-action).
        middleware.allow_form_action(lambda: registry.get().issuer())
