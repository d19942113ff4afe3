from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _may_list_cases(user):
    """The staff menu shows "Cases" to whom the inbox opens for (not DX administrators)."""
    from smartkoto.core.actor import Actor

    from .permissions import policy

    return user.is_authenticated and policy.can(Actor.for_user(user), "case.list")


class ApplicationsConfig(AppConfig):
    name = "smartkoto.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from smartkoto.payments import links as payment_links
        from smartkoto.payments import signals as payment_signals

        from . import receivers
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS

        payment_signals.payment_succeeded.connect(receivers.on_payment_succeeded, dispatch_uid="applications.payment_succeeded")
        payment_signals.payment_failed.connect(receivers.on_payment_failed, dispatch_uid="applications.payment_failed")
        payment_signals.payment_refunded.connect(receivers.on_payment_refunded, dispatch_uid="applications.payment_refunded")
        payment_links.register(lambda reference, actor: receivers.case_link(reference, actor.user))

        navigation.register("public", "applications:mine", _("My applications"), order=20,
                            visible=lambda user: user.is_authenticated and getattr(user, "kind", "") == "resident")
        navigation.register("staff", "applications_staff:inbox", _("Cases"), order=10, visible=_may_list_cases)
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "cases", "description": "Submitted applications (案件) for the ward's systems; service token needed."}])
