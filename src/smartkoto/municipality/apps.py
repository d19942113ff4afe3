from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalityConfig(AppConfig):
    name = "smartkoto.municipality"
    label = "municipality"
    verbose_name = _("Municipality")

    def ready(self):
        from smartkoto.core import pagecache, site

        from . import queries

        # core (a lower floor) reads the profile through this callable: PDF author, API description.
        site.provide_profile(queries.profile)
        # a change made in another process reaches this one's copies with the page cache's next version read
        pagecache.when_changed("municipality", queries.forget)
