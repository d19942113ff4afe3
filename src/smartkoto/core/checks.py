"""`smartkoto check --deploy` reports the same production problems the startup guard refuses."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register("smartkoto", deploy=True)
def production_settings(app_configs, **kwargs):
    from smartkoto.conf import settings as conf

    if not settings.PRODUCTION:
        return [Error("SMARTKOTO_ENV is not 'production'.", hint="Set SMARTKOTO_ENV=production.", id="smartkoto.E000")]
    errors = [Error(problem, id=f"smartkoto.E{index:03d}") for index, problem in enumerate(conf.production_problems(), 1)]
    warnings = [Warning(f"{override}=1 lets a development-only plug-in run: {problem}",
                        hint="Only for a staging server; never for the public service.", id=f"smartkoto.W{index:03d}")
                for index, (override, problem) in enumerate(conf.allowed_development_plugins(), 1)]
    return errors + warnings
