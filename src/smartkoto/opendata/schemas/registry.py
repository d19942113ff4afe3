"""The registry of dataset layouts. Family modules call `register(schema)` at import time."""

_schemas: dict = {}


def register(*schemas):
    for schema in schemas:
        _schemas[schema.id] = schema
    return schemas


def get(schema_id):
    _load()
    return _schemas.get(schema_id)


def all_schemas():
    _load()
    return sorted(_schemas.values(), key=lambda s: (s.family, s.generation))


def choices():
    from smartkoto.core.i18n import tr
    from django.utils.translation import gettext as _

    label = {"current": _("current standard"), "legacy": _("older recommended layout")}
    return [(s.id, f"{tr(s.title)} ({label[s.generation]})") for s in all_schemas()]


def current_of(schema):
    return get(f"{schema.family}:current")


_loaded = False


def _load():
    global _loaded
    if not _loaded:
        _loaded = True
        from . import catalog, events, facilities, population  # noqa: F401
