from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "smartkoto.core"
    label = "core"
    verbose_name = _("Audit and operations")

    def ready(self):
        from django.contrib import admin
        from . import admin_audit, checks  # noqa: F401  (register the deploy checks and the admin audit hook)

        admin.site.site_header = _("Smart KOTO settings")
        admin.site.site_title = _("Smart KOTO settings")
        admin.site.index_title = _("Municipality and staff settings")
