from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartkoto.core"
    label = "core"

    def ready(self):
        from django.contrib import admin
        from django.utils.translation import gettext_lazy as _

        from . import admin_audit, checks  # noqa: F401  (register the deploy checks and the admin audit hook)

        admin.site.site_header = _("Smart KOTO settings")
        admin.site.site_title = _("Smart KOTO settings")
        admin.site.index_title = _("Municipality and staff settings")
