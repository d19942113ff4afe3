from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
                            visible=lambda user: user.is_authenticated and user.has_staff_role())
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "appointments", "description": "Appointment booking (予約)"}])
