"""Background work: loading an uploaded version into the datastore (Django Tasks API)."""

from django_tasks import task


@task()
def load_resource_file(file_id: int):
    from . import datastore
    from .models import ResourceFile

    version = ResourceFile.objects.select_related("resource").filter(pk=file_id).first()
    if version is None or version.load_state not in (ResourceFile.Load.QUEUED, ResourceFile.Load.LOADING):
        return "skipped"
    return datastore.load(version).load_state
