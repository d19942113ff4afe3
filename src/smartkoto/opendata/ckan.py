"""Dictionaries in CKAN's shapes (package, resource, organization, group, tag) for the Action API."""

from django.conf import settings
from django.urls import reverse

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from .models import THEMES, Dataset


def _iso(value):
    return value.replace(tzinfo=None).isoformat() if value else None


def site_url():
    return settings.BASE_URL.rstrip("/")


def download_url(resource):
    if resource.url and not resource.current_id and not resource.live_source:
        return resource.url
    return site_url() + reverse("opendata:download", args=[resource.dataset.name, resource.pk])


def organization_dict(code, department=None, package_count=None):
    department = department if department is not None else municipality.department(code)
    name = department.name if department else {"ja": code, "en": code}
    out = {
        "id": code, "name": code, "title": tr(name, "ja"), "display_name": tr(name),
        "description": tr(getattr(department, "division", {}) or {}, "ja"), "image_url": "", "type": "organization",
        "is_organization": True, "state": "active", "approval_status": "approved", "created": None,
        "title_translated": name if isinstance(name, dict) else {"ja": name},
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(code, package_count=None):
    ja, en, _eu = THEMES[code]
    out = {"id": code, "name": code, "title": ja, "display_name": ja, "description": en, "type": "group",
           "is_organization": False, "state": "active", "image_url": "", "title_translated": {"ja": ja, "en": en}}
    if package_count is not None:
        out["package_count"] = package_count
    return out


def tag_dict(name):
    return {"id": name, "name": name, "display_name": name, "state": "active", "vocabulary_id": None}


def resource_dict(resource):
    version = resource.current
    return {
        "id": str(resource.pk), "package_id": str(resource.dataset_id), "name": tr(resource.name, "ja"),
        "name_translated": resource.name, "description": tr(resource.description, "ja"),
        "format": resource.format, "mimetype": version.media_type if version else None, "url": download_url(resource),
        "size": version.size if version else None, "hash": f"sha256:{version.sha256}" if version else "",
        "created": _iso(resource.created), "last_modified": _iso(version.uploaded_at) if version else None,
        "metadata_modified": _iso(resource.modified), "position": resource.position,
        "datastore_active": resource.datastore_active, "url_type": "upload" if version else None,
        "resource_type": None, "state": "active", "conforms_to": resource.schema_id or None,
        "encoding": version.encoding if version else None,
    }


def package_dict(ds, departments=None):
    license = ds.license_info()
    department = (departments or {}).get(ds.department_code) if departments is not None else None
    resources = list(ds.resources.all())
    return {
        "id": str(ds.pk), "name": ds.name, "title": tr(ds.title, "ja"), "title_translated": ds.title,
        "notes": tr(ds.notes, "ja"), "notes_translated": ds.notes, "owner_org": ds.department_code,
        "organization": organization_dict(ds.department_code, department),
        "tags": [tag_dict(t) for t in ds.tags], "num_tags": len(ds.tags),
        "groups": [group_dict(t) for t in ds.themes if t in THEMES],
        "resources": [resource_dict(r) for r in resources], "num_resources": len(resources),
        "license_id": license["id"], "license_title": license["title"], "license_url": license["url"], "isopen": license["open"],
        "metadata_created": _iso(ds.created), "metadata_modified": _iso(ds.modified),
        "maintainer": ds.contact_name, "maintainer_email": ds.contact_email or None,
        "author": municipality.name("ja"), "author_email": None,
        "extras": [{"key": k, "value": v} for k, v in (
            ("frequency", ds.frequency), ("spatial_text", ds.spatial), ("attribution", ds.attribution),
            ("temporal_start", ds.temporal_start.isoformat() if ds.temporal_start else ""),
            ("temporal_end", ds.temporal_end.isoformat() if ds.temporal_end else ""),
            ("conforms_to", ds.standard_id)) if v],
        "private": False, "state": "active" if ds.state == Dataset.State.PUBLISHED else ds.state, "type": "dataset",
        "url": site_url() + reverse("opendata:dataset", args=[ds.name]), "version": None,
    }


def license_list():
    from .models import LICENSES

    return [{"id": key, "title": title, "url": url, "od_conformance": "approved" if is_open else "not reviewed",
             "osd_conformance": "not reviewed", "status": "active", "is_okd_compliant": is_open}
            for key, (title, url, is_open) in LICENSES.items()]
