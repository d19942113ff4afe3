from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _works_here(actor):
    """The staff menu entry: for staff with a department role, and auditors (DX administrators have none)."""
    from smartkoto.core.roles import DEPARTMENT_ROLES, Role

    return actor.has_role(*DEPARTMENT_ROLES, Role.AUDITOR)


class AppointmentsConfig(AppConfig):
    name = "smartkoto.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from . import workflow  # noqa: F401  (registers the booking workflow)
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS

        navigation.register("public", "appointments:index", _("Book an appointment"), order=30)
        navigation.register("staff", "appointments_staff:calendar", _("Appointments"), order=30,
                            visible=_works_here)
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "appointments", "description": "Appointment booking (予約)"}])
