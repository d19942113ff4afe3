"""Reads of the open data catalog that other apps (and this app's views and APIs) use.

Published datasets are open data: reading them needs no actor. The back office's reads (drafts,
versions, validation reports) take `actor=` and check `permissions.policy`.
"""

from django.db.models import Prefetch

from smartkoto.core.text import matches, normalize

from .models import Dataset, Resource
from .permissions import policy, readable_department_codes


def published():
    return (Dataset.objects.filter(state=Dataset.State.PUBLISHED)
            .prefetch_related(Prefetch("resources", queryset=Resource.objects.select_related("current"))))


def dataset(name_or_id, include_unpublished=False):
    qs = Dataset.objects.all() if include_unpublished else published()
    found = qs.filter(name=name_or_id).first()
    if found is None:
        try:
            found = qs.filter(pk=name_or_id).first()
        except Exception:  # not a UUID
            found = None
    return found


def resource(resource_id, include_unpublished=False):
    qs = Resource.objects.select_related("dataset", "current", "datastore_version")
    if not include_unpublished:
        qs = qs.filter(dataset__state=Dataset.State.PUBLISHED)
    try:
        return qs.filter(pk=resource_id).first()
    except Exception:  # not a UUID
        return None


def search(q="", filters=None, datasets=None):
    """Published datasets matching every word of `q` (Japanese-aware) and every facet filter.

    `filters` maps facet → list of values: organization, tags, res_format, groups, license_id.
    The catalog is small (hundreds of datasets), so matching happens in Python on the stored key.
    """
    filters = filters or {}
    result = []
    for ds in datasets if datasets is not None else published():
        if q and not matches(q, ds.search_text):
            continue
        values = facet_values(ds)
        if all(any(normalize(v) in {normalize(x) for x in values.get(facet, [])} for v in wanted)
               for facet, wanted in filters.items() if wanted):
            result.append(ds)
    return result


def facet_values(ds):
    return {
        "organization": [ds.department_code],
        "tags": list(ds.tags),
        "groups": list(ds.themes),
        "res_format": sorted({r.format for r in ds.resources.all()}),
        "license_id": [ds.license_id],
    }


def facets(datasets, fields=("organization", "tags", "res_format", "groups", "license_id"), limit=50):
    counts = {field: {} for field in fields}
    for ds in datasets:
        values = facet_values(ds)
        for field in fields:
            for value in values.get(field, []):
                counts[field][value] = counts[field].get(value, 0) + 1
    return {field: dict(sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]) for field, items in counts.items()}


# -- back office ------------------------------------------------------------------------------------
def for_staff(*, actor):
    """Every dataset (drafts included) the actor may see in the back office: their departments', or all
    for DX administrators and auditors."""
    policy.check(actor, "catalog.read_staff")
    datasets = Dataset.objects.prefetch_related("resources").order_by("-modified")
    codes = readable_department_codes(actor)
    return datasets if codes is None else datasets.filter(department_code__in=codes)


def staff_dataset(name, *, actor, for_action=None):
    """One dataset (any state) for its staff pages, or None; refused (Forbidden) outside the actor's reach.
    `for_action` (e.g. "dataset.publish"): the write the caller is about to make, checked before the form."""
    found = Dataset.objects.filter(name=name).first()
    if found is not None:
        policy.check(actor, "dataset.read_staff", found)
        if for_action:
            policy.check(actor, for_action, found)
    return found
