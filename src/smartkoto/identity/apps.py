from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "smartkoto.identity"
    label = "identity"
    verbose_name = _("People and sign-in")

    def ready(self):
        from smartkoto.core import middleware, navigation

        from .providers import registry

        registry.load_builtin()
        # The sign-in form answers with a redirect to the provider: let the browser follow it (CSP form-action).
        middleware.allow_form_action(lambda: registry.get().issuer())
        navigation.register("staff", "core_staff:audit_log", _("Audit log"), order=90,
                            visible=lambda user: user.is_authenticated and user.has_staff_role("auditor", "dx_admin"))
        navigation.register("staff", "notifications_staff:outbox", _("Email outbox"), order=95,
                            visible=lambda user: user.is_authenticated and user.has_staff_role("dx_admin", "auditor"))
        navigation.register("staff", "admin:index", _("Municipality settings"), order=99,
                            visible=lambda user: user.is_authenticated and user.has_staff_role("dx_admin"))
