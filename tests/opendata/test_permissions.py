"""Who may do what in the catalog's back office (permissions.py): every refusal is a 403, changes
nothing and leaves an `access.refused` record; services refuse on every path, not only in views."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role
from smartkoto.core.workflow import TransitionNotAllowed
from smartkoto.opendata import services
from smartkoto.opendata.models import Dataset, ResourceFile

pytestmark = pytest.mark.django_db

CSV = "名称,緯度,経度\nA,35.6,139.8\n".encode()


def _refusals(action=None):
    found = AuditRecord.objects.filter(action="access.refused")
    return [r for r in found if action is None or r.detail.get("action") == action]


@pytest.fixture
def draft(make_dataset):
    """A draft dataset of the parks department (koen) with one resource."""
    return make_dataset("koen-draft", department="koen", publish=False)


@pytest.fixture
def as_staff(client, make_staff, staff_login):
    def login(username, department, role):
        return staff_login(client, make_staff(username, department, role))

    return login


def test_auditor_reads_every_department_but_every_write_is_refused(as_staff, draft, make_dataset, make_staff, staff_login):
    from django.test import Client
    ds, resource = draft
    make_dataset("dx-data", department="dx")
    auditor = as_staff("auditor", "dx", Role.AUDITOR)
    home = auditor.get("/staff/opendata/").content.decode()
    assert "koen-draft" in home and "dx-data" in home
    page = auditor.get("/staff/opendata/koen-draft/")
    assert page.status_code == 200 and "このデータセットを公開する" not in page.content.decode()
    own = staff_login(Client(), make_staff("koen-worker", "koen", Role.CASE_WORKER))
    assert "このデータセットを公開する" in own.get("/staff/opendata/koen-draft/").content.decode()
    assert auditor.get(f"/staff/opendata/koen-draft/resources/{resource.pk}/").status_code == 200

    assert auditor.post("/staff/opendata/koen-draft/state/", {"state": Dataset.State.PUBLISHED}).status_code == 403
    upload = SimpleUploadedFile("a.csv", CSV)
    assert auditor.post(f"/staff/opendata/koen-draft/resources/{resource.pk}/", {"file": upload}).status_code == 403
    assert auditor.post("/staff/opendata/new/", {"name": "x", "title_ja": "x", "department_code": "koen"}).status_code == 403
    assert auditor.post("/staff/opendata/koen-draft/", {"name": "koen-draft", "title_ja": "変更"}).status_code == 403
    ds.refresh_from_db()
    assert ds.state == Dataset.State.DRAFT and ds.title["ja"] == "試験データ"
    assert not ResourceFile.objects.exists() and not Dataset.objects.filter(name="x").exists()
    assert len(_refusals()) == 4


def test_staff_of_another_department_neither_reads_nor_writes(as_staff, draft):
    ds, resource = draft
    other = as_staff("seiso-worker", "seiso", Role.CASE_WORKER)
    assert other.get("/staff/opendata/koen-draft/").status_code == 403
    assert other.post("/staff/opendata/koen-draft/state/", {"state": Dataset.State.PUBLISHED}).status_code == 403
    assert "koen-draft" not in other.get("/staff/opendata/").content.decode()
    ds.refresh_from_db()
    assert ds.state == Dataset.State.DRAFT
    assert _refusals("opendata.dataset.read_staff") and all(r.department_code == "koen" for r in _refusals())


def test_own_department_staff_and_dx_admin_publish(as_staff, draft, client):
    ds, _resource = draft
    clerk = as_staff("koen-clerk", "koen", Role.COUNTER_CLERK)
    assert clerk.post("/staff/opendata/koen-draft/state/", {"state": Dataset.State.PUBLISHED}).status_code == 302
    ds.refresh_from_db()
    assert ds.state == Dataset.State.PUBLISHED
    client.logout()
    dx = as_staff("dx-admin", "dx", Role.DX_ADMIN)
    assert dx.post("/staff/opendata/koen-draft/state/", {"state": Dataset.State.DRAFT}).status_code == 302
    ds.refresh_from_db()
    assert ds.state == Dataset.State.DRAFT and not _refusals()


def test_residents_and_anonymous_visitors_are_refused(client, resident, draft):
    assert client.get("/staff/opendata/").status_code in (302, 403)
    client.force_login(resident)
    assert client.get("/staff/opendata/").status_code == 403
    assert client.post("/staff/opendata/koen-draft/state/", {"state": Dataset.State.PUBLISHED}).status_code == 403
    assert Dataset.objects.get(name="koen-draft").state == Dataset.State.DRAFT


@pytest.mark.django_db(transaction=True)  # outside a transaction the service itself writes the refusal record
def test_service_tokens_need_the_scope_and_their_own_department(koto, draft, make_dataset):
    from smartkoto.identity.models import ServiceAccount
    from smartkoto.municipality.models import Department

    ds, resource = draft
    dx_ds, _dx_resource = make_dataset("dx-data", department="dx", publish=False)
    koen_token, _ = ServiceAccount.issue("koen-robot", ["opendata:write"], department=Department.objects.get(code="koen"))
    unscoped, _ = ServiceAccount.issue("reader", ["cases:read"])
    robot = Actor.for_service(koen_token)
    services.upload(resource, "a.csv", CSV, actor=robot, run_now=True)
    assert resource.files.count() == 1
    with pytest.raises(Forbidden):
        services.set_state(dx_ds, Dataset.State.PUBLISHED, actor=robot)
    with pytest.raises(Forbidden):
        services.set_state(ds, Dataset.State.PUBLISHED, actor=Actor.for_service(unscoped))
    dx_ds.refresh_from_db()
    ds.refresh_from_db()
    assert dx_ds.state == ds.state == Dataset.State.DRAFT
    assert len(_refusals("opendata.dataset.publish")) == 2


@pytest.mark.django_db(transaction=True)
def test_services_refuse_without_a_view_in_between(koto, make_staff, draft):
    ds, resource = draft
    auditor = Actor.for_user(make_staff("auditor", "koen", Role.AUDITOR))
    with pytest.raises(Forbidden):
        services.save_resource(ds, {"name": {"ja": "x"}, "format": "CSV"}, actor=auditor)
    with pytest.raises(Forbidden):
        services.refresh_live(resource, actor=auditor)
    assert ds.resources.count() == 1 and len(_refusals()) == 2


def test_dataset_moves_follow_the_workflow_table(draft):
    ds, _resource = draft
    system = Actor.system("tests")
    services.set_state(ds, Dataset.State.WITHDRAWN, actor=system)
    with pytest.raises(TransitionNotAllowed):
        services.set_state(ds, Dataset.State.PUBLISHED, actor=system)
    assert Dataset.objects.get(pk=ds.pk).state == Dataset.State.WITHDRAWN
