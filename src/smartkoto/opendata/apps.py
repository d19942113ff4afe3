from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "smartkoto.opendata"
    label = "opendata"

    def ready(self):
        from smartkoto.core import navigation, openapi

        from . import live, openapi_paths, workflow  # noqa: F401  (workflow: registers the lifecycles)
        from .permissions import policy
        from .schemas import registry

        registry.load_families()
        live.register_own_sources()
        navigation.register("public", "opendata:catalog", _("Open data"), order=60)
        navigation.register("staff", "opendata_staff:home", _("Open data"), order=60,
                            visible=policy.allows("catalog.read_staff"))
        navigation.register("footer", "opendata:developers", _("Open data API"), order=60)
        openapi.register_paths(openapi_paths.PATHS, schemas=openapi_paths.SCHEMAS, tags=openapi_paths.TAGS)

