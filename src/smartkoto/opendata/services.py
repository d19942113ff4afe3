"""Writes to the open data catalog. Each change is audited; uploads are validated and loaded by a task."""

import hashlib
import mimetypes

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from smartkoto.core import audit
from smartkoto.core.i18n import tr
from smartkoto.core.text import search_key

from .models import Dataset, Resource, ResourceFile

MEDIA_TYPES = {"CSV": "text/csv", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "JSON": "application/json", "GEOJSON": "application/geo+json", "PDF": "application/pdf", "HTML": "text/html"}


def can_manage(user, dataset_or_department):
    """Staff of the owning department (any role but auditor) or a DX administrator."""
    code = getattr(dataset_or_department, "department_code", dataset_or_department)
    if user.has_staff_role("dx_admin"):
        return True
    return user.has_staff_role("case_worker", "department_manager", "counter_clerk", department=code) and code in user.department_codes()


def _audit(action, *, request=None, user=None, **kwargs):
    """Audit with the signed-in user, or as "system" for demo loads and scheduled refreshes."""
    kind = None if (request is not None or getattr(user, "is_authenticated", False)) else "system"
    return audit.record(action, request=request, user=user, actor_kind=kind, **kwargs)


def _require(user, target):
    if user is not None and not can_manage(user, target):
        raise PermissionDenied


def refresh_search_text(dataset):
    parts = [tr(dataset.title, "ja"), tr(dataset.title, "en"), tr(dataset.notes, "ja"), tr(dataset.notes, "en"), dataset.name,
             " ".join(dataset.tags), dataset.department_code]
    for resource in dataset.resources.all():
        parts += [tr(resource.name, "ja"), tr(resource.name, "en"), resource.format]
    dataset.search_text = search_key(*parts)


@transaction.atomic
def save_dataset(values, *, request=None, user=None, dataset=None):
    """Create or update a dataset from cleaned values (title/notes as {"ja", "en"})."""
    user = user or getattr(request, "user", None)
    creating = dataset is None
    if creating:
        _require(user, values["department_code"])
        dataset = Dataset()
    else:
        _require(user, dataset)
        if values.get("department_code") and values["department_code"] != dataset.department_code:
            _require(user, values["department_code"])
    for key, value in values.items():
        setattr(dataset, key, value)
    dataset.save()
    refresh_search_text(dataset)
    dataset.save(update_fields=["search_text"])
    _audit("opendata.dataset_created" if creating else "opendata.dataset_changed", request=request, user=user,
                 target=dataset, department_code=dataset.department_code, detail={"name": dataset.name, "fields": sorted(values)})
    return dataset


def set_state(dataset, state, *, request=None, user=None):
    user = user or getattr(request, "user", None)
    _require(user, dataset)
    dataset.state = state
    dataset.save(update_fields=["state", "modified"])
    _audit("opendata.dataset_state", request=request, user=user, target=dataset,
                 department_code=dataset.department_code, detail={"state": state})
    return dataset


@transaction.atomic
def save_resource(dataset, values, *, request=None, user=None, resource=None):
    user = user or getattr(request, "user", None)
    _require(user, dataset)
    creating = resource is None
    if creating:
        position = (dataset.resources.aggregate(m=Max("position"))["m"] or 0) + 1
        resource = Resource(dataset=dataset, position=position)
    for key, value in values.items():
        setattr(resource, key, value)
    resource.save()
    refresh_search_text(dataset)
    dataset.save(update_fields=["search_text", "modified"])
    _audit("opendata.resource_created" if creating else "opendata.resource_changed", request=request, user=user,
                 target=resource, department_code=dataset.department_code, detail={"dataset": dataset.name})
    return resource


def upload(resource, filename, content: bytes, *, request=None, user=None, run_now=False):
    """Store a new version of a resource file and queue its validation and datastore load.

    The version becomes live only when the load succeeds; until then the previous version stays.
    """
    user = user or getattr(request, "user", None)
    _require(user, resource.dataset)
    with transaction.atomic():
        number = (resource.files.aggregate(m=Max("version"))["m"] or 0) + 1
        version = ResourceFile(
            resource=resource, version=number, original_name=filename[-200:], size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), schema_id=resource.schema_id,
            media_type=MEDIA_TYPES.get(resource.format.upper()) or mimetypes.guess_type(filename)[0] or "application/octet-stream",
            load_state=ResourceFile.Load.QUEUED, uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        version.file.save(filename[-80:], ContentFile(content), save=False)
        version.save()
        _audit("opendata.file_uploaded", request=request, user=user, target=version,
                     department_code=resource.dataset.department_code,
                     detail={"resource": str(resource.pk), "version": number, "sha256": version.sha256, "size": version.size})
    if run_now:
        from . import datastore

        return datastore.load(version)
    from .tasks import load_resource_file

    load_resource_file.enqueue(version.pk)
    version.refresh_from_db()
    return version


def touch(dataset):
    Dataset.objects.filter(pk=dataset.pk).update(modified=timezone.now())
