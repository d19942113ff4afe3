from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalityConfig(AppConfig):
    name = "smartkoto.municipality"
    label = "municipality"
    verbose_name = _("Municipality")

    def ready(self):
        from smartkoto.core import site

        from . import queries

        # core (a lower floor) reads the profile through this callable: PDF author, API description.
        site.provide_profile(queries.profile)
