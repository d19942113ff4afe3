from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "smartkoto.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from smartkoto.payments import links as payment_links
        from smartkoto.payments import signals as payment_signals

        from . import receivers
        from .permissions import policy
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS

        payment_signals.payment_succeeded.connect(receivers.on_payment_succeeded, dispatch_uid="applications.payment_succeeded")
        payment_signals.payment_failed.connect(receivers.on_payment_failed, dispatch_uid="applications.payment_failed")
        payment_signals.payment_refunded.connect(receivers.on_payment_refunded, dispatch_uid="applications.payment_refunded")
        payment_links.register(receivers.case_link)

        navigation.register("public", "applications:mine", _("My applications"), order=20,
                            visible=lambda actor: actor.is_resident)
        navigation.register("staff", "applications_staff:inbox", _("Cases"), order=10, visible=policy.allows("case.list"))
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "cases", "description": "Submitted applications (案件) for the ward's systems; service token needed."}])
