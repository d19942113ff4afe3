"""Issue 11 item 6: crafted procedure-definition imports. Each is refused with a translated reason before
anything is saved (no draft, no audit record, the live form unchanged), never a 500; the JSON Schema
(procedures/definition.schema.json) and formschema.validate_definition guard import, builder save and publish."""

import copy
import io
import json

import pytest

from smartkoto.core.actor import Actor
from smartkoto.core.models import AuditRecord
from smartkoto.procedures import formschema, services
from smartkoto.procedures.models import FormVersion, Procedure

pytestmark = pytest.mark.django_db

TEXT = {"ja": "氏名", "en": "Name"}


def good():
    return {"schema": 1, "declaration": {"ja": "誓約します。", "en": "I declare."},
            "steps": [{"id": "one", "title": {"ja": "第一", "en": "One"},
                       "fields": [{"name": "a", "type": "text", "label": TEXT, "required": True},
                                  {"name": "b", "type": "select", "label": TEXT, "options": [{"value": "x", "label": TEXT}]}]}]}


def changed(change):
    definition = good()
    change(definition)
    return definition


def deep(levels):
    value = "x"
    for _ in range(levels):
        value = {"a": value}
    return value


CRAFTED = {
    "not a dict": [1, 2, 3],
    "steps not a list": {"steps": {"id": "one"}},
    "no steps": {"steps": []},
    "step not a dict": {"steps": ["one"]},
    "step without id": changed(lambda d: d["steps"][0].pop("id")),
    "step id a number": changed(lambda d: d["steps"][0].update(id=7)),
    "duplicate step ids": changed(lambda d: d["steps"].append(copy.deepcopy(d["steps"][0]))),
    "fields not a list": changed(lambda d: d["steps"][0].update(fields="a,b")),
    "field not a dict": changed(lambda d: d["steps"][0]["fields"].append("c")),
    "field without name": changed(lambda d: d["steps"][0]["fields"][0].pop("name")),
    "duplicate field names": changed(lambda d: d["steps"][0]["fields"].append(copy.deepcopy(d["steps"][0]["fields"][0]))),
    "unknown field type": changed(lambda d: d["steps"][0]["fields"][0].update(type="script")),
    "label a string of numbers": changed(lambda d: d["steps"][0]["fields"][0].update(label={"ja": 5})),
    "label a list": changed(lambda d: d["steps"][0]["fields"][0].update(label=["氏名"])),
    "options not a list": changed(lambda d: d["steps"][0]["fields"][1].update(options="x,y")),
    "option without value": changed(lambda d: d["steps"][0]["fields"][1].update(options=[{"label": TEXT}])),
    "condition pointing nowhere": changed(lambda d: d["steps"][0]["fields"][0].update(show_if={"field": "nowhere", "equals": "yes"})),
    "condition pointing to itself": changed(lambda d: d["steps"][0]["fields"][0].update(show_if={"field": "a", "equals": "yes"})),
    "condition a string": changed(lambda d: d["steps"][0]["fields"][0].update(show_if="b == x")),
    "repeat max a string": changed(lambda d: d["steps"][0].update(repeat={"min": 0, "max": "lots"})),
    "repeat min above max": changed(lambda d: d["steps"][0].update(repeat={"min": 5, "max": 2})),
    "number max huge": changed(lambda d: d["steps"][0]["fields"][0].update(type="number", max=10**30)),
    "max_length negative": changed(lambda d: d["steps"][0]["fields"][0].update(max_length=-1)),
    "required a string": changed(lambda d: d["steps"][0]["fields"][0].update(required="yes")),
    "prefill a dict": changed(lambda d: d["steps"][0]["fields"][0].update(prefill={"from": "profile"})),
    "unknown key deeply nested": changed(lambda d: d["steps"][0]["fields"][0].update(extra=deep(200))),
    "declaration deeply nested": changed(lambda d: d.update(declaration=deep(50))),
    "too many steps": changed(lambda d: d.update(steps=[{**copy.deepcopy(d["steps"][0]), "id": f"s{i}",
                                                         "fields": [{"name": f"f{i}", "type": "text", "label": TEXT}]} for i in range(500)])),
}


def _upload(document):
    raw = document if isinstance(document, bytes) else json.dumps({"format": "smartkoto-procedure/1", "procedure": {"name": TEXT},
                                                                   "form": {"version": 1, "definition": document}}).encode()
    upload = io.BytesIO(raw)
    upload.name = "crafted.json"
    return upload


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_definition_is_refused_before_anything_is_saved(builder_client, case):
    target = Procedure.objects.get(slug="juminhyo-kisai")
    versions, audits = FormVersion.objects.count(), AuditRecord.objects.count()
    response = builder_client.post(f"/staff/procedures/{target.slug}/import/", {"import-file": _upload(CRAFTED[case])}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200, (case, response.status_code)
    assert "ファイルを読み込めませんでした" in body, (case, body[:300])
    assert FormVersion.objects.count() == versions and AuditRecord.objects.count() == audits, case
    with pytest.raises(formschema.DefinitionError):
        formschema.validate_definition(CRAFTED[case])


@pytest.mark.parametrize("raw", [b"[" * 100000, b'{"format": "smartkoto-procedure/1", "form": {"definition": ' + json.dumps(good()).encode() + b"}}",
                                 b'{"format": "smartkoto-procedure/1", "form": "x"}', b'{"format": "smartkoto-procedure/1", "procedure": 5, "form": {"definition": 5}}'])
def test_malformed_export_files_are_refused_without_saving(builder_client, raw):
    versions = FormVersion.objects.count()
    response = builder_client.post("/staff/procedures/juminhyo-kisai/import/", {"import-file": _upload(raw)}, follow=True)
    assert response.status_code == 200
    # a good definition without a procedure section is imported (the name is only for the audit detail)
    assert FormVersion.objects.count() in (versions, versions + 1)


def test_builder_save_checks_the_shape_and_publish_the_whole_definition(builder_client, make_staff):
    target = Procedure.objects.get(slug="juminhyo-kisai")
    actor = Actor.for_user(make_staff("kumin-builder-2", "kumin", "case_worker"))
    for case in ("step not a dict", "unknown field type", "label a list", "number max huge"):
        with pytest.raises(formschema.DefinitionError):
            services.save_draft(target, CRAFTED[case], actor=actor)
    with pytest.raises(formschema.DefinitionError):
        services.create_published(target, CRAFTED["condition pointing nowhere"], actor=Actor.system("import"))
    assert not FormVersion.objects.filter(procedure=target, status="draft").exists()


def test_every_form_residents_can_open_still_renders(builder_client, client):
    for case in sorted(CRAFTED):
        builder_client.post("/staff/procedures/juminhyo-kisai/import/", {"import-file": _upload(CRAFTED[case])})
        builder_client.post("/staff/procedures/juminhyo-kisai/publish/")
    response = client.get("/procedures/juminhyo-kisai/")
    assert response.status_code == 200
