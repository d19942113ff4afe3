from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "smartkoto.guide"
    label = "guide"
    verbose_name = _("Digital guide")

    def ready(self):
        from smartkoto.core import navigation, openapi

        from .api import OPENAPI_PATHS, OPENAPI_SCHEMAS
        from .permissions import policy

        navigation.register("footer", "guide:index", _("Ask the digital guide"), order=40)
        navigation.register("staff", "guide_staff:entries", _("Digital guide FAQ"), order=60,
                            visible=policy.allows("entry.list"))
        openapi.register_paths(OPENAPI_PATHS, schemas=OPENAPI_SCHEMAS,
                               tags=[{"name": "guide", "description": "The digital guide (自動応答): answers to residents' questions."}])
