"""`smartkoto check --deploy` reports the same production problems the startup guard refuses."""

from django.conf import settings
from django.core.checks import Error, register


@register("smartkoto", deploy=True)
def production_settings(app_configs, **kwargs):
    from smartkoto.conf import settings as conf

    if not settings.PRODUCTION:
        return [Error("SMARTKOTO_ENV is not 'production'.", hint="Set SMARTKOTO_ENV=production.", id="smartkoto.E000")]
    return [Error(problem, id=f"smartkoto.E{index:03d}") for index, problem in enumerate(conf.production_problems(), 1)]
