"""Writes to the open data catalog. Each takes the acting `actor=`, checks `permissions.policy` first and
is audited; uploads are validated and loaded by a task."""

import hashlib
import mimetypes

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from smartkoto.core import audit
from smartkoto.core import tasks as core_tasks
from smartkoto.core.i18n import tr
from smartkoto.core.text import search_key
from smartkoto.core.workflow import SERVICE, STAFF, SYSTEM

from . import tasks
from .models import Dataset, Resource, ResourceFile
from .permissions import policy
from .workflow import DATASET

MEDIA_TYPES = {"CSV": "text/csv", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "JSON": "application/json", "GEOJSON": "application/geo+json", "PDF": "application/pdf", "HTML": "text/html"}


def _party(actor):
    return SYSTEM if actor.is_system else SERVICE if actor.is_service else STAFF


def _refresh_search_text(dataset):
    parts = [tr(dataset.title, "ja"), tr(dataset.title, "en"), tr(dataset.notes, "ja"), tr(dataset.notes, "en"), dataset.name,
             " ".join(dataset.tags), dataset.department_code]
    for resource in dataset.resources.all():
        parts += [tr(resource.name, "ja"), tr(resource.name, "en"), resource.format]
    dataset.search_text = search_key(*parts)


def _default_spatial():
    """The area a dataset covers when staff leave it empty: the municipality (from its profile)."""
    from smartkoto.municipality import queries as municipality

    return municipality.name("ja")


def save_dataset(values, *, actor, dataset=None):
    """Create or update a dataset from cleaned values (title/notes as {"ja", "en"})."""
    creating = dataset is None
    if creating:
        policy.check(actor, "dataset.create", values.get("department_code") or "", department_code=values.get("department_code") or "")
    else:
        policy.check(actor, "dataset.change", dataset)
        if values.get("department_code") and values["department_code"] != dataset.department_code:
            policy.check(actor, "dataset.create", values["department_code"], department_code=values["department_code"])
    with transaction.atomic():
        if creating:
            dataset = Dataset(spatial=_default_spatial())
        for key, value in values.items():
            setattr(dataset, key, value)
        dataset.save()
        _refresh_search_text(dataset)
        dataset.save(update_fields=["search_text"])
        audit.record("opendata.dataset_created" if creating else "opendata.dataset_changed", actor=actor,
                     target=dataset, department_code=dataset.department_code, detail={"name": dataset.name, "fields": sorted(values)})
    return dataset


def set_state(dataset, state, *, actor):
    """Publish, take back to draft or withdraw a dataset (moves in `workflow.DATASET`)."""
    policy.check(actor, "dataset.publish", dataset)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        DATASET.apply(dataset, state, by=_party(actor))
        dataset.save(update_fields=["state", "modified"])
        audit.record("opendata.dataset_state", actor=actor, target=dataset,
                     department_code=dataset.department_code, detail={"state": state})
    return dataset


def save_resource(dataset, values, *, actor, resource=None):
    policy.check(actor, "resource.change", dataset)
    with transaction.atomic():
        creating = resource is None
        if creating:
            position = (dataset.resources.aggregate(m=Max("position"))["m"] or 0) + 1
            resource = Resource(dataset=dataset, position=position)
        for key, value in values.items():
            setattr(resource, key, value)
        resource.save()
        _refresh_search_text(dataset)
        dataset.save(update_fields=["search_text", "modified"])
        audit.record("opendata.resource_created" if creating else "opendata.resource_changed", actor=actor,
                     target=resource, department_code=dataset.department_code, detail={"dataset": dataset.name})
    return resource


def upload(resource, filename, content: bytes, *, actor, run_now=False):
    """Store a new version of a resource file and queue its validation and datastore load.

    The version becomes live only when the load succeeds; until then the previous version stays.
    """
    policy.check(actor, "resource.upload", resource.dataset)
    with transaction.atomic():
        number = (resource.files.aggregate(m=Max("version"))["m"] or 0) + 1
        version = ResourceFile(
            resource=resource, version=number, original_name=filename[-200:], size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), schema_id=resource.schema_id,
            media_type=MEDIA_TYPES.get(resource.format.upper()) or mimetypes.guess_type(filename)[0] or "application/octet-stream",
            load_state=ResourceFile.Load.QUEUED, uploaded_by=actor.user if actor.is_staff else None,
        )
        version.file.save(filename[-80:], ContentFile(content), save=False)
        version.save()
        audit.record("opendata.file_uploaded", actor=actor, target=version,
                     department_code=resource.dataset.department_code,
                     detail={"resource": str(resource.pk), "version": number, "sha256": version.sha256, "size": version.size})
        # the load task commits with the version (a crash cannot leave it queued with no task to load it)
        queued = not run_now and core_tasks.in_same_database(tasks.load_resource_file)
        if queued:
            tasks.enqueue_load(version.pk)  # on the bulk queue: long loads never hold up payments or mail
    if run_now:
        from . import datastore

        return datastore.load(version)
    if not queued:
        tasks.enqueue_load(version.pk)
    version.refresh_from_db()
    return version


def refresh_live(resource, *, actor, run_now=False):
    """A new version of a live resource from its registered source (`live.sources`). None when the source
    has nothing to publish yet."""
    from . import live

    policy.check(actor, "resource.refresh", resource.dataset)
    produced = live.rows_for(resource.live_source)
    if produced is None:
        return None
    header, rows = produced
    return upload(resource, f"{resource.live_source}.csv", live.as_csv(header, rows), actor=actor, run_now=run_now)

