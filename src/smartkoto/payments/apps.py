from django.apps import AppConfig
from django.core import checks


def check_provider(app_configs=None, **kwargs):
    """The configured payment provider (PAYMENTS_PROVIDER / SMARTKOTO_PAYMENTS_PROVIDER) must be a registered one."""
    from .providers import registry

    configured = registry.default_id()
    if configured in registry.providers:
        return []
    known = ", ".join(registry.ids()) or "none"
    return [checks.Error(f"Unknown payment provider '{configured}' in PAYMENTS_PROVIDER. Known: {known}.",
                         hint="Set PAYMENTS_PROVIDER (or SMARTKOTO_PAYMENTS_PROVIDER) to one of the known ids.",
                         id="payments.E001")]


class PaymentsConfig(AppConfig):
    name = "smartkoto.payments"
    label = "payments"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from smartkoto.core import navigation, openapi

        from . import api, slips, workflow
        from .permissions import policy  # noqa: F401  (slips subscribes to payment_succeeded; workflow registers)
        from .providers import simulated, stripe  # noqa: F401  (the providers register themselves on import)

        checks.register(check_provider, checks.Tags.compatibility, deploy=False)
        navigation.register("public", "payments:slip_lookup", _("Pay a payment slip"), order=40)
        navigation.register("public", "payments:mine", _("My payments"), order=41,
                            visible=lambda actor: actor.is_resident)
        navigation.register("staff", "payments_staff:index", _("Payments"), order=40,
                            visible=policy.allows("payment.list"))
        navigation.register("staff", "payments_staff:fees", _("Fees"), order=42,
                            visible=policy.allows("fee.change"))
        navigation.register("staff", "payments_staff:ledger", _("Ledger and reconciliation"), order=41,
                            visible=policy.allows("ledger.view"))
        openapi.register_paths(api.openapi_paths(), schemas={"Payment": api.PAYMENT_SCHEMA, "NewPayment": api.NEW_PAYMENT_SCHEMA},
                               tags=[{"name": "payments", "description": "Payments of ward fees (納付)"}])
