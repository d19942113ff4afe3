"""The low-code builder: only the owning department and DX administrators edit; drafts never touch the live
form; publishing makes a new version; files export and import."""

import io
import json

import pytest

from smartkoto.core.models import AuditRecord
from smartkoto.procedures.models import FormVersion, Procedure

pytestmark = pytest.mark.django_db

NEW = {
    "slug": "bench-permit", "department": "kumin", "name_ja": "ベンチ設置の申請", "name_en": "Bench installation", "name_easy": "",
    "summary_ja": "ベンチを置く申請です。", "summary_en": "Apply to place a bench.", "channel": "online", "assurance_level": "1",
    "fee_kind": "none", "fee_amount": "0", "processing_days": "5", "keywords": "べんち", "published": "on",
}


def test_staff_creates_a_procedure_and_builds_a_form_with_a_condition_and_a_repeatable_group(builder_client):
    response = builder_client.post("/staff/procedures/new/", NEW)
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure = Procedure.objects.get(slug="bench-permit")
    assert procedure.department.code == "kumin"
    url = "/staff/procedures/bench-permit/"
    assert builder_client.post(url + "form/", {"action": "add_step", "step-step_id": "place", "step-title_ja": "場所", "step-title_en": "Place"}).status_code == 302
    assert builder_client.post(url + "form/", {"action": "add_step", "step-step_id": "helpers", "step-title_ja": "手伝う人", "step-title_en": "Helpers",
                                               "step-repeatable": "on", "step-repeat_max": "4"}).status_code == 302
    assert builder_client.post(url + "form/field/", {"step": "place", "name": "near_road", "type": "yesno", "label_ja": "道路に面していますか",
                                                     "label_en": "Next to a road?", "required": "on"}).status_code == 302
    assert builder_client.post(url + "form/field/", {"step": "place", "name": "road_name", "type": "text", "label_ja": "道路名", "label_en": "Road name",
                                                     "required": "on", "show_if_field": "near_road", "show_if_value": "yes"}).status_code == 302
    assert builder_client.post(url + "form/field/", {"step": "helpers", "name": "helper_name", "type": "text", "label_ja": "氏名", "label_en": "Name",
                                                     "required": "on"}).status_code == 302
    draft = procedure.draft_version()
    assert draft.status == "draft" and procedure.live_version() is None
    assert draft.definition["steps"][1]["repeat"]["max"] == 4
    assert draft.definition["steps"][0]["fields"][1]["show_if"] == {"field": "near_road", "equals": "yes"}
    assert builder_client.get(url + "preview/").status_code == 200
    assert builder_client.post(url + "publish/").status_code == 302
    live = procedure.live_version()
    assert live.number == draft.number and live.status == "published"
    assert AuditRecord.objects.filter(action="procedures.form_published").exists()


def test_a_draft_never_changes_the_live_form_until_published(builder_client):
    procedure = Procedure.objects.get(slug="juminhyo")
    live = procedure.live_version()
    before = json.dumps(live.definition, sort_keys=True)
    builder_client.post("/staff/procedures/juminhyo/form/field/", {"step": "certificate", "name": "extra_q", "type": "text", "label_ja": "追加",
                                                                   "label_en": "Extra", "required": "on"})
    live.refresh_from_db()
    assert json.dumps(live.definition, sort_keys=True) == before
    assert procedure.live_version().pk == live.pk
    assert procedure.draft_version().number == live.number + 1
    assert "extra_q" not in json.dumps(builder_client.get("/api/procedures/juminhyo").json()["form"])
    builder_client.post("/staff/procedures/juminhyo/publish/")
    assert "extra_q" in json.dumps(builder_client.get("/api/procedures/juminhyo").json()["form"])
    live.refresh_from_db()
    assert json.dumps(live.definition, sort_keys=True) == before  # the old version is kept as it was


def test_staff_of_another_department_and_counter_clerks_cannot_edit(client, make_staff, staff_login, catalog):
    staff_login(client, make_staff("seiso-builder", "seiso", "case_worker"))
    assert client.get("/staff/procedures/juminhyo/form/").status_code == 403
    assert client.post("/staff/procedures/juminhyo/publish/").status_code == 403
    assert client.get("/staff/procedures/sodai-gomi/form/").status_code == 200
    client.logout()
    staff_login(client, make_staff("clerk", "kumin", "counter_clerk"))
    assert client.get("/staff/procedures/juminhyo/form/").status_code == 403


def test_dx_administrators_may_edit_every_department(client, make_staff, staff_login, catalog):
    staff_login(client, make_staff("dx", "dx", "dx_admin"))
    assert client.get("/staff/procedures/juminhyo/form/").status_code == 200
    assert client.get("/staff/procedures/sodai-gomi/form/").status_code == 200


def test_residents_cannot_open_the_builder(resident_client, catalog):
    assert resident_client.get("/staff/procedures/").status_code == 403


def test_builder_refuses_bad_input_with_messages_and_keeps_it(builder_client):
    response = builder_client.post("/staff/procedures/juminhyo/form/field/", {"step": "certificate", "name": "Bad Name!", "type": "radio",
                                                                             "label_ja": "", "label_en": "Kept label", "options": "only-value"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body and 'value="Kept label"' in body
    form = response.context["form"]
    assert {"name", "label_ja", "options"} <= set(form.errors)


def test_individual_number_is_refused_in_builder_text(builder_client):
    from .test_formschema import valid_individual_number

    data = dict(NEW, slug="mn-test", summary_ja=f"番号 {valid_individual_number()}")
    response = builder_client.post("/staff/procedures/new/", data)
    assert response.status_code == 200 and "summary_ja" in response.context["form"].errors
    assert not Procedure.objects.filter(slug="mn-test").exists()


def test_export_and_import_round_trip_into_a_draft(builder_client):
    exported = builder_client.get("/staff/procedures/juminhyo/export.json")
    assert exported.status_code == 200
    document = json.loads(exported.content)
    assert document["format"] == "smartkoto-procedure/1" and document["procedure"]["slug"] == "juminhyo"
    upload = io.BytesIO(json.dumps(document, ensure_ascii=False).encode())
    upload.name = "juminhyo.json"
    assert builder_client.post("/staff/procedures/juminhyo-kisai/import/", {"import-file": upload}).status_code == 302
    target = Procedure.objects.get(slug="juminhyo-kisai")
    assert target.draft_version().definition == document["form"]["definition"]
    bad = io.BytesIO(b"{not json")
    bad.name = "bad.json"
    builder_client.post("/staff/procedures/juminhyo-kisai/import/", {"import-file": bad})
    assert FormVersion.objects.filter(procedure=target, status="draft").count() == 1


def test_versions_page_lists_each_version(builder_client):
    assert builder_client.get("/staff/procedures/juminhyo/versions/").status_code == 200
    assert builder_client.get("/staff/procedures/juminhyo/versions/1/").status_code == 200


def test_fee_by_option_is_entered_as_data_and_used(builder_client):
    data = dict(NEW, slug="stall-permit", fee_kind="by_option", fee_field="size", fee_options="small=400\nlarge=2,000円")
    assert builder_client.post("/staff/procedures/new/", data).status_code == 302
    procedure = Procedure.objects.get(slug="stall-permit")
    assert procedure.fee_options == {"small": 400, "large": 2000}
    from smartkoto.procedures import queries

    assert queries.fee_for(procedure, {"s": {"size": "large"}}) == 2000
    bad = builder_client.post("/staff/procedures/new/", dict(data, slug="stall-2", fee_options="large=lots"))
    assert bad.status_code == 200 and "fee_options" in bad.context["form"].errors


def test_staff_change_an_existing_question_in_the_draft_only(builder_client):
    page = builder_client.get("/staff/procedures/juminhyo/form/field/?field=purpose")
    assert page.status_code == 200 and page.context["form"].initial["label_ja"] == "使いみち"
    response = builder_client.post("/staff/procedures/juminhyo/form/field/", {
        "editing": "purpose", "step": "certificate", "name": "purpose", "type": "radio", "label_ja": "証明書の使いみち", "label_en": "Purpose",
        "required": "on", "options": "work|勤務先|Employer\nother|その他|Other"})
    assert response.status_code == 302
    procedure = Procedure.objects.get(slug="juminhyo")
    field = next(f for f in procedure.draft_version().definition["steps"][1]["fields"] if f["name"] == "purpose")
    assert field["label"]["ja"] == "証明書の使いみち" and field["type"] == "radio" and len(field["options"]) == 2
    live_field = next(f for f in procedure.live_version().definition["steps"][1]["fields"] if f["name"] == "purpose")
    assert live_field["label"]["ja"] == "使いみち"
    assert builder_client.get("/staff/procedures/juminhyo/form/field/?field=nope").status_code == 404
