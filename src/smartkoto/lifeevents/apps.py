from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeeventsConfig(AppConfig):
    name = "smartkoto.lifeevents"
    label = "lifeevents"
    verbose_name = _("Life events")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from . import workflow  # noqa: F401  (registers the bundle, hand-off and pre-entry lifecycles)
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS
        from .permissions import policy

        navigation.register("public", "lifeevents:index", _("Life events"), order=15)
        navigation.register("footer", "lifeevents:lobby", _("Which counter do I go to?"), order=30)
        navigation.register("staff", "lifeevents_staff:counter", _("Counter pre-entries"), order=25,
                            visible=policy.allows("counter.open"))
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "lifeevents", "description": "Life events, their checklists rules, and the fields-saved measure."}])
