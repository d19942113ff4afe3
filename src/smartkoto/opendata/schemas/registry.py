"""The registry of dataset layouts, on `core.registry.Registry` (a duplicate id is refused).

Family modules (catalog, events, facilities, population) call `register(schema, …)` when they are
imported, and `OpendataConfig.ready()` imports them (`load_families()`); the registry imports none.
"""

from smartkoto.core.registry import Registry

layouts = Registry("open-data layout")

FAMILIES = ("catalog", "events", "facilities", "population")


def register(*schemas):
    for schema in schemas:
        layouts.add(schema.id, schema)
    return schemas


def load_families():
    """Import the built-in family modules (from the app's ready()); each registers its layouts."""
    from importlib import import_module

    for family in FAMILIES:
        import_module(f"{__package__}.{family}")


def get(schema_id):
    """The layout with this id, or None (ids arrive from uploads and addresses, so unknown is not an error)."""
    return layouts.get(schema_id) if schema_id in layouts else None


def all_schemas():
    return sorted((schema for _id, schema in layouts), key=lambda s: (s.family, s.generation))


def choices():
    from django.utils.translation import gettext as _

    from smartkoto.core.i18n import tr

    label = {"current": _("current standard"), "legacy": _("older recommended layout")}
    return [(s.id, f"{tr(s.title)} ({label[s.generation]})") for s in all_schemas()]


def current_of(schema):
    return get(f"{schema.family}:current")
