from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "smartkoto.payments"
    label = "payments"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from smartkoto.core import navigation, openapi

        from . import api, slips  # noqa: F401  (slips subscribes to payment_succeeded)
        from .providers import registry

        registry.load_builtin()
        navigation.register("public", "payments:slip_lookup", _("Pay a payment slip"), order=40)
        navigation.register("public", "payments:mine", _("My payments"), order=41,
                            visible=lambda user: user.is_authenticated and user.kind == "resident")
        navigation.register("staff", "payments_staff:index", _("Payments"), order=40,
                            visible=lambda user: user.is_authenticated and bool(user.department_codes()))
        navigation.register("staff", "payments_staff:ledger", _("Ledger and reconciliation"), order=41,
                            visible=lambda user: user.is_authenticated and (
                                user.has_staff_role(department="kaikei") or user.has_staff_role("dx_admin", "auditor")))
        openapi.register_paths(api.openapi_paths(), schemas={"Payment": api.PAYMENT_SCHEMA, "NewPayment": api.NEW_PAYMENT_SCHEMA},
                               tags=[{"name": "payments", "description": "Payments of ward fees (納付)"}])
