from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "smartkoto.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from . import workflow  # noqa: F401  (registers the form version lifecycle)
        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS
        from .permissions import policy

        navigation.register("public", "procedures:catalog", _("Procedures"), order=10)
        navigation.register("footer", "procedures:online_share", _("Online-ready procedures"), order=10)
        navigation.register("staff", "procedures_staff:list", _("Procedures and forms"), order=30,
                            visible=policy.allows("builder.open"))
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "procedures", "description": "The public procedure catalog (手続)."}])
