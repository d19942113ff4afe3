"""The OpenAPI 3 document at /api/schema is assembled from what each app registers in ready():

    openapi.register_paths({"/api/procedures/": {"get": {...}}}, schemas={"Procedure": {...}}, tags=[...])
"""

from django.conf import settings

_paths: dict = {}
_schemas: dict = {}
_tags: list = []


def register_paths(paths, schemas=None, tags=None):
    _paths.update(paths)
    _schemas.update(schemas or {})
    for tag in tags or []:
        if tag not in _tags:
            _tags.append(tag)


def document():
    from . import site

    serves = site.service_name("en") or site.name("en") or "the municipality's online services"
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Smart KOTO API",
            "version": "1",
            "description": f"Public and service-account APIs of {serves}. "
            "Service accounts send `Authorization: Bearer <token>`.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": settings.BASE_URL}],
        "tags": _tags,
        "paths": dict(sorted(_paths.items())),
        "components": {
            "schemas": _schemas,
            "securitySchemes": {"serviceToken": {"type": "http", "scheme": "bearer"}},
        },
    }
