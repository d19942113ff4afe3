"""When a fee is paid is data on the procedure, declared for every demo procedure with a fee and shown before
the resident starts (procedure page, start page) and on the check-answers page."""

import pytest

from smartkoto.procedures import demo, queries
from smartkoto.procedures.models import Channel, FeeTiming, Procedure

pytestmark = pytest.mark.django_db


def test_every_demo_procedure_with_a_fee_declares_when_it_is_paid():
    rows = [row for row in demo.CATALOG if row[8] and row[8].get("fee_kind", "none") != "none"]
    assert len(rows) >= 10
    for slug, _dept, _ja, _en, _easy, channel, *_rest in rows:
        fee = _rest[2]
        assert fee.get("fee_timing") in FeeTiming.values, slug
        # money paid online only where the procedure is done online; counter procedures are paid there
        if channel in (Channel.COUNTER_ONLY, Channel.PREFILL_THEN_COUNTER):
            assert fee["fee_timing"] == FeeTiming.AT_COUNTER, slug


def test_certificates_are_paid_when_sent_and_oversized_waste_after_approval(catalog):
    assert queries.fee_timing(queries.get("juminhyo")) == "at_submission"
    assert queries.fee_timing(queries.get("sodai-gomi")) == "after_approval"
    assert queries.fee_timing(queries.get("inkan-shomei")) == "at_counter"
    assert not queries.pays_online(queries.get("inkan-shomei"))
    free = Procedure.objects.filter(fee_kind="none").first()
    assert queries.fee_timing(free) == "" and not queries.pays_online(free)


@pytest.mark.parametrize(("slug", "fee", "timing"), [
    ("juminhyo", "300円", "申請を送るときにカードでオンライン納付"),
    ("sodai-gomi", "400円", "区が申請を確認して最終的な金額を決めた後にオンラインで納付"),
])
def test_procedure_and_start_pages_say_how_much_and_when_it_is_paid(client, catalog, slug, fee, timing):
    detail = client.get(f"/procedures/{slug}/").content.decode()
    start = client.get(f"/applications/start/{slug}/").content.decode()
    for page in (detail, start):
        assert fee in page and 'data-testid="fee-timing"' in page and timing in page, slug


def test_builder_saves_the_fee_timing_and_defaults_to_paying_when_sent(builder_client):
    from .test_builder import NEW

    page = builder_client.get("/staff/procedures/juminhyo/")
    assert 'name="fee_timing"' in page.content.decode() and page.context["form"].initial["fee_timing"] == "at_submission"
    data = dict(NEW, slug="stall-permit", fee_kind="by_option", fee_field="size", fee_options="small=400", fee_timing="after_approval")
    assert builder_client.post("/staff/procedures/new/", data).status_code == 302
    assert Procedure.objects.get(slug="stall-permit").fee_timing == "after_approval"
    data = dict(NEW, slug="stall-permit-2", fee_kind="fixed", fee_amount="500")
    data.pop("fee_timing", None)
    assert builder_client.post("/staff/procedures/new/", data).status_code == 302
    assert Procedure.objects.get(slug="stall-permit-2").fee_timing == "at_submission"
