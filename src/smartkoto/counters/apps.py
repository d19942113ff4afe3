from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _works_here(actor):
    """The staff menu entry: for staff with a department role, and auditors (DX administrators have none)."""
    from smartkoto.core.roles import DEPARTMENT_ROLES, Role

    return actor.has_role(*DEPARTMENT_ROLES, Role.AUDITOR)


class CountersConfig(AppConfig):
    name = "smartkoto.counters"
    label = "counters"
    verbose_name = _("Counter queue")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from . import workflow  # noqa: F401  (registers the ticket workflow)
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS

        navigation.register("public", "counters:index", _("Counter congestion"), order=35)
        navigation.register("staff", "counters_staff:home", _("Counter queue"), order=35,
                            visible=_works_here)
        navigation.register("footer", "counters_api:congestion_history", _("Congestion history (open data)"), order=60)
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "counters", "description": "Counter queue and congestion (窓口混雑状況)"}])
