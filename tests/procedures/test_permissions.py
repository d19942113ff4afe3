"""Who may build and publish forms (permissions.py): refusals are 403, change nothing and are audited."""

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.core.permissions import Forbidden
from smartkoto.core.roles import Role
from smartkoto.procedures import services
from smartkoto.procedures.models import FormVersion, Procedure

pytestmark = pytest.mark.django_db


def _refusals():
    return list(AuditRecord.objects.filter(action="access.refused"))


@pytest.fixture
def with_draft(catalog):
    """juminhyo (kumin) with a draft that adds one question."""
    procedure = Procedure.objects.get(slug="juminhyo")
    definition = procedure.live_version().definition
    definition["steps"][0]["fields"].append({"name": "extra", "type": "text", "label": {"ja": "追加", "en": "Extra"}})
    services.save_draft(procedure, definition, actor=Actor.system("tests"))
    return procedure


def test_auditor_reads_every_department_and_cannot_change_anything(client, make_staff, staff_login, with_draft):
    staff_login(client, make_staff("auditor", "dx", Role.AUDITOR))
    listing = client.get("/staff/procedures/").content.decode()
    assert "/staff/procedures/juminhyo/form/" in listing and "/staff/procedures/sodai-gomi/form/" in listing
    builder = client.get("/staff/procedures/juminhyo/form/")
    assert builder.status_code == 200 and 'data-testid="publish"' not in builder.content.decode()
    assert client.get("/staff/procedures/juminhyo/versions/").status_code == 200
    assert client.get("/staff/procedures/juminhyo/export.json").status_code == 200

    before = list(FormVersion.objects.values_list("pk", "status", "definition"))
    assert client.post("/staff/procedures/juminhyo/publish/").status_code == 403
    assert client.post("/staff/procedures/juminhyo/form/", {"action": "remove_step", "step": "applicant"}).status_code == 403
    assert client.post("/staff/procedures/juminhyo/", {"slug": "juminhyo", "name_ja": "変更"}).status_code == 403
    assert client.post("/staff/procedures/new/", {"slug": "new-one", "department": "kumin"}).status_code == 403
    assert list(FormVersion.objects.values_list("pk", "status", "definition")) == before
    assert not Procedure.objects.filter(slug="new-one").exists()
    assert len(_refusals()) == 4


def test_own_department_builders_publish_and_counter_clerks_only_read_versions(client, make_staff, staff_login, with_draft):
    staff_login(client, make_staff("kumin-clerk", "kumin", Role.COUNTER_CLERK))
    assert client.get("/staff/procedures/juminhyo/versions/").status_code == 200
    assert client.get("/staff/procedures/juminhyo/versions/1/").status_code == 200
    assert client.get("/staff/procedures/sodai-gomi/versions/").status_code == 403
    assert client.post("/staff/procedures/juminhyo/publish/").status_code == 403
    assert with_draft.draft_version() is not None
    client.logout()
    staff_login(client, make_staff("kumin-manager", "kumin", Role.DEPARTMENT_MANAGER))
    assert client.post("/staff/procedures/juminhyo/publish/").status_code == 302
    assert with_draft.draft_version() is None and with_draft.live_version().status == FormVersion.Status.PUBLISHED


def test_dx_admin_builds_in_every_department(client, make_staff, staff_login, with_draft):
    staff_login(client, make_staff("dx", "dx", Role.DX_ADMIN))
    assert client.post("/staff/procedures/juminhyo/publish/").status_code == 302
    assert with_draft.draft_version() is None


@pytest.mark.django_db(transaction=True)  # outside a transaction the service itself writes the refusal record
def test_services_refuse_every_path(koto, make_staff):
    from smartkoto.procedures import demo

    demo.load()
    procedure = Procedure.objects.get(slug="juminhyo")
    other = Actor.for_user(make_staff("seiso-worker", "seiso", Role.CASE_WORKER))
    auditor = Actor.for_user(make_staff("auditor", "kumin", Role.AUDITOR))
    for actor in (other, auditor):
        with pytest.raises(Forbidden):
            services.add_step(procedure, {"id": "more", "title": {"ja": "x"}, "fields": []}, actor=actor)
        with pytest.raises(Forbidden):
            services.publish(procedure, actor=actor)
    assert procedure.draft_version() is None
    assert len(_refusals()) == 4 and {r.department_code for r in _refusals()} == {"kumin"}
