import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "smartkoto.core"
    label = "core"
    verbose_name = _("Audit and operations")

    def ready(self):
        from django.contrib import admin

        from . import admin_audit, checks, navigation  # noqa: F401  (register the deploy checks and the admin audit hook)
        from .admin import admin_permission
        from .policy import policy

        _warn_about_development_plugins()
        from . import pagecache

        pagecache.connect_signals()  # a saved procedure, dataset, life event or municipality row bumps its pages
        admin.site.site_header = _("Smart KOTO settings")
        admin.site.site_title = _("Smart KOTO settings")
        admin.site.index_title = _("Municipality and staff settings")
        admin.site.has_permission = admin_permission
        navigation.register("staff", "core_staff:audit_log", _("Audit log"), order=90, visible=policy.allows("audit_log.read"))
        navigation.register("staff", "admin:index", _("Municipality settings"), order=99, visible=policy.allows("settings.administer"))


def _warn_about_development_plugins():
    """Production with a SMARTKOTO_ALLOW_<THING> override (staging): say so on every start of every process."""
    if not settings.PRODUCTION:
        return
    from smartkoto.conf import settings as conf

    log = logging.getLogger("smartkoto.production")
    for override, problem in conf.allowed_development_plugins():
        log.warning("PRODUCTION GUARD OVERRIDDEN by %s=1 (staging only): %s", override, problem,
                    extra={"override": override})
