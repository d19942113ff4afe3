"""The public catalog: Japanese-aware search, filters, a page per procedure, the online-ready share."""

import pytest

from smartkoto.procedures import formschema, queries
from smartkoto.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def slugs(query, **filters):
    return [p.slug for p in queries.search(query, **filters)]


def test_demo_catalog_has_at_least_60_procedures_across_departments_each_with_a_valid_live_form(catalog):
    procedures = list(Procedure.objects.all())
    assert len(procedures) >= 60
    assert len({p.department.code for p in procedures}) >= 15
    for procedure in procedures:
        live = procedure.live_version()
        assert live is not None, procedure.slug
        formschema.validate_definition(live.definition)
        if procedure.law_keeps_offline:
            assert procedure.channel in ("online_prefill_then_counter", "counter_only")


@pytest.mark.parametrize("query, expected", [
    ("転入", "tennyu"), ("住民票", "juminhyo"), ("ｼﾞｭｳﾐﾝﾋｮｳ", "juminhyo"), ("ジュウミンヒョウ", "juminhyo"),
    ("じゅうみんひょう", "juminhyo"), ("粗大ごみ", "sodai-gomi"), ("犬", "inu-toroku"), ("ＤＯＧ", "inu-toroku"),
    ("保育園 入園", "hoiku-nyuen"),
])
def test_search_finds_japanese_in_any_script_and_width(catalog, query, expected):
    assert expected in slugs(query)


def test_two_character_word_puts_procedures_named_with_it_first(catalog):
    results = slugs("住民")
    assert results[0].startswith("juminhyo")
    assert "koseki-zenbu" in results  # found through the department 戸籍住民課, after the named ones


def test_search_for_nonsense_finds_nothing(catalog):
    assert slugs("存在しない手続きぞ") == []


def test_filters_by_department_life_event_and_online(catalog):
    kosodate = queries.search("", department="kosodate")
    assert kosodate and all(p.department.code == "kosodate" for p in kosodate)
    moving = slugs("", life_event="moving")
    assert {"tennyu", "tenshutsu", "tenkyo"} <= set(moving)
    online = queries.search("", online="online")
    assert online and all(p.is_online for p in online)
    counter = queries.search("", online="counter")
    assert counter and not any(p.is_online for p in counter)


def test_catalog_page_searches_and_keeps_the_query(client, catalog):
    response = client.get("/procedures/", {"q": "転入"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="転入"' in body
    results = body.split('data-testid="procedure-results"', 1)[1].split("</ul>", 1)[0]
    assert "転入届" in results
    assert "粗大ごみ" not in results  # (the guide panel's example question below may name it)


def test_procedure_page_shows_fee_channel_and_legal_reason(client, catalog):
    body = client.get("/procedures/tennyu/").content.decode()
    assert "住民基本台帳法" in body
    body = client.get("/procedures/juminhyo/").content.decode()
    assert "300円" in body and "1通につき" in body
    assert "やさしい日本語： じゅうみんひょう" in body
    english = client.get("/en/procedures/juminhyo/").content.decode()
    assert "¥300 per copy" in english and "Certificate of residence" in english
    assert "easy-name" not in english


def test_unknown_procedure_is_404(client, catalog):
    assert client.get("/procedures/no-such-thing/").status_code == 404


def test_online_share_is_computed_live_and_excludes_what_law_keeps_offline(client, catalog):
    share = queries.online_share()
    all_procedures = list(Procedure.objects.filter(published=True))
    kept = [p for p in all_procedures if p.law_keeps_offline]
    assert share.denominator == len(all_procedures) - len(kept)
    assert share.online == sum(1 for p in all_procedures if p.is_online)
    body = client.get("/procedures/online-share/").content.decode()
    assert f'data-testid="numerator">{share.online}<' in body
    assert f'data-testid="denominator">{share.denominator}<' in body
    assert "92%" in body and "48%" in body
    # a procedure moved online changes the figure at once
    procedure = Procedure.objects.get(slug="shogai-techo")
    procedure.channel = "online"
    procedure.save()
    assert queries.online_share().online == share.online + 1


def test_online_share_is_linked_from_the_footer(client, catalog):
    assert 'href="/procedures/online-share/"' in client.get("/").content.decode()


def test_fee_is_computed_from_answers(catalog):
    juminhyo = Procedure.objects.get(slug="juminhyo")
    assert queries.fee_for(juminhyo, {"certificate": {"copies": 3}}) == 900
    sodai = Procedure.objects.get(slug="sodai-gomi")
    assert queries.fee_for(sodai, {"waste": {"item_size": "large"}}) == 2000
    assert queries.fee_for(Procedure.objects.get(slug="inu-toroku"), {}) == 3000
    assert queries.fee_for(Procedure.objects.get(slug="tennyu"), {}) == 0
