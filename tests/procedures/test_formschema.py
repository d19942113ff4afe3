"""The declarative form schema: definition checks, field validation with translated messages, conditions,
repeatable groups, prefill and 和暦 dates."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import translation

from smartkoto.procedures.formschema import DefinitionError, StepPage, format_date, validate_definition, wareki


def L(ja, en=""):
    return {"ja": ja, "en": en or ja}


def definition(*fields, repeat=None):
    step = {"id": "main", "title": L("主", "Main"), "fields": list(fields)}
    if repeat:
        step["repeat"] = repeat
    return {"schema": 1, "steps": [step]}


def field(name, kind, **extra):
    return {"name": name, "type": kind, "label": L(name), "required": True, **extra}


def post(**values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("bad", [
    {"steps": []},
    definition(field("a", "text"), field("a", "text")),
    definition(field("a", "teleport")),
    definition(field("Bad-Name", "text")),
    definition(field("a", "radio")),
    definition(field("a", "text", show_if={"field": "later", "equals": "x"})),
    definition(field("a", "text", prefill="profile.individual_number")),
    definition(field("a", "text"), repeat={"min": 3, "max": 2}),
])
def test_unusable_definitions_are_refused(bad):
    with pytest.raises(DefinitionError):
        validate_definition(bad)


def test_kana_postal_phone_email_and_date_are_validated_with_messages_in_both_languages():
    spec = definition(field("kana", "kana"), field("postal", "postal_code"), field("phone", "phone"), field("mail", "email"), field("day", "date"))
    step = spec["steps"][0]
    data = post(kana="花子", postal="12-345", phone="12345", mail="not-an-address", day="2026-02-30")
    with translation.override("ja"):
        page = StepPage(step, data=data)
        assert not page.is_valid()
        errors = page.forms[0].errors
        assert "カタカナ" in errors["kana"][0]
        assert "135-8383" in errors["postal"][0]
        assert set(errors) == {"kana", "postal", "phone", "mail", "day"}
    with translation.override("en"):
        page = StepPage(step, data=data)
        page.is_valid()
        assert "katakana" in page.forms[0].errors["kana"][0]


def test_full_width_and_hiragana_input_is_normalised():
    step = definition(field("kana", "kana"), field("postal", "postal_code"), field("phone", "phone"))["steps"][0]
    page = StepPage(step, data=post(kana="こうとう はなこ", postal="１３５８３８３", phone="０３ー３６４７ー９１１１"))
    assert page.is_valid(), page.forms[0].errors
    assert page.cleaned_answers() == {"kana": "コウトウ ハナコ", "postal": "135-8383", "phone": "03-3647-9111"}


def test_conditional_question_is_required_only_when_shown_and_dropped_when_hidden():
    step = definition(field("pet", "yesno"), field("pet_name", "text", show_if={"field": "pet", "equals": "yes"}))["steps"][0]
    page = StepPage(step, data=post(pet="yes", pet_name=""))
    assert not page.is_valid()
    assert "pet_name" in page.forms[0].errors
    page = StepPage(step, data=post(pet="no", pet_name="ポチ"))
    assert page.is_valid()
    assert "pet_name" not in page.cleaned_answers()


def test_condition_on_an_earlier_page_is_decided_by_the_server():
    spec = {"steps": [
        {"id": "one", "title": L("一"), "fields": [field("pet", "yesno")]},
        {"id": "two", "title": L("二"), "fields": [field("pet_name", "text", show_if={"field": "pet", "equals": "yes"}), field("x", "text")]},
    ]}
    validate_definition(spec)
    hidden = StepPage(spec["steps"][1], answers={"one": {"pet": "no"}})
    assert "pet_name" not in hidden.forms[0].fields
    shown = StepPage(spec["steps"][1], answers={"one": {"pet": "yes"}}, data=post(pet_name="", x="a"))
    assert not shown.is_valid() and "pet_name" in shown.forms[0].errors


def test_repeatable_group_grows_and_shrinks_without_javascript_and_keeps_typed_rows():
    step = definition(field("member", "text"), repeat={"min": 1, "max": 3})["steps"][0]
    page = StepPage(step, data=post(rows="1", **{"r0-member": "江東 花子", "action": "add"}))
    assert not page.is_valid() and len(page.forms) == 2
    assert page.forms[0].initial["member"] == "江東 花子"
    page = StepPage(step, data=post(rows="2", **{"r0-member": "A", "r1-member": "B", "action": "remove-0"}))
    assert [f.initial["member"] for f in page.forms] == ["B"]
    page = StepPage(step, data=post(rows="2", **{"r0-member": "A", "r1-member": "B"}))
    assert page.is_valid() and page.cleaned_answers() == [{"member": "A"}, {"member": "B"}]
    page = StepPage(step, data=post(rows="3", **{"r0-member": "A", "r1-member": "B", "r2-member": "C", "action": "add"}))
    assert len(page.forms) == 3  # never more than max


def test_prefill_comes_from_the_profile_then_from_earlier_answers():
    class Profile:
        full_name = "江東 花子"
        address = "東京都江東区東陽四丁目2番1号"
        birth_date = datetime.date(1988, 4, 12)

    spec = {"steps": [
        {"id": "one", "title": L("一"), "fields": [field("name", "text", prefill="profile.full_name"), field("born", "date", prefill="profile.birth_date"),
                                                  field("addr", "address", prefill="profile.address")]},
        {"id": "two", "title": L("二"), "fields": [field("old_addr", "address", prefill="answer.addr")]},
    ]}
    first = StepPage(spec["steps"][0], profile=Profile())
    assert first.forms[0].initial == {"name": "江東 花子", "born": "1988-04-12", "addr": "東京都江東区東陽四丁目2番1号"}
    second = StepPage(spec["steps"][1], answers={"one": {"addr": "東京都江東区豊洲"}})
    assert second.forms[0].initial == {"old_addr": "東京都江東区豊洲"}


def valid_individual_number():
    from smartkoto.core.mynumber import is_individual_number

    return next(f"12345678901{d}" for d in range(10) if is_individual_number(f"12345678901{d}"))


def test_individual_number_is_refused_in_any_text_answer():
    step = definition(field("note", "textarea"))["steps"][0]
    page = StepPage(step, data=post(note=f"私の番号は {valid_individual_number()} です"))
    assert not page.is_valid()
    assert "note" in page.forms[0].errors


def test_dates_show_the_japanese_era():
    assert wareki(datetime.date(2026, 4, 1)) == "令和8年"
    assert wareki(datetime.date(2019, 5, 1)) == "令和元年"
    assert wareki(datetime.date(1988, 4, 12)) == "昭和63年"
    with translation.override("ja"):
        assert format_date("2026-04-01") == "2026年（令和8年）4月1日"
    with translation.override("en"):
        assert format_date("2026-04-01") == "1 April 2026"
