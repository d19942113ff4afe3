from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartkoto.core"
    label = "core"

    def ready(self):
        from . import checks  # noqa: F401  (registers deploy checks)
