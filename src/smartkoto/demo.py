"""Load the Koto demo data once: each app's `demo.load()`, lower floors first (INSTALLED_APPS order)."""

import importlib

from django.apps import apps

from smartkoto.core import audit
from smartkoto.core.actor import Actor


def loaders():
    for config in apps.get_app_configs():
        if not config.name.startswith("smartkoto."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "load"):
            yield config.label, module.load


def load(force=False):
    """Returns the app labels loaded, or [] when demo data was loaded before."""
    if not force and audit.demo_loaded():
        return []
    done = []
    for label, load_app in loaders():
        load_app()
        done.append(label)
    audit.record("demo.loaded", actor=Actor.system("demo"), detail={"apps": done})
    return done
