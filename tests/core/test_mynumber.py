"""The individual number (マイナンバー) is refused in free text and redacted from logs and the audit log.

Expected results are computed here from the legal rule (番号法施行令 §8), not by the code under test:
check digit = 11 − (Σ Pn × Qn mod 11), or 0 when the remainder is 0 or 1, where Pn is the n-th digit
counted from the right of the first 11 digits and Qn = n + 1 for n ≤ 6, n − 5 for n ≥ 7.
"""

import io
import json
import logging
import random

import pytest
from django import forms
from django.utils import translation

from smartkoto.core.forms import SafeForm
from smartkoto.core.logging import JsonFormatter, RequestIdFilter
from smartkoto.core.mynumber import find_individual_number, is_individual_number, redact_individual_numbers

# Q11 … Q1, i.e. the weight of each of the first 11 digits read left to right.
WEIGHTS_LEFT_TO_RIGHT = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
PUBLISHED_EXAMPLE = "123456789018"  # the sample number used in public explanations of the rule


def legal_check_digit(first_eleven: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS_LEFT_TO_RIGHT)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def valid_numbers(count=40, seed=2026):
    rng = random.Random(seed)
    numbers = [PUBLISHED_EXAMPLE]
    while len(numbers) < count:
        body = "".join(rng.choice("0123456789") for _ in range(11))
        numbers.append(body + str(legal_check_digit(body)))
    return numbers


def test_the_formula_in_this_test_agrees_with_the_published_example():
    assert legal_check_digit(PUBLISHED_EXAMPLE[:11]) == int(PUBLISHED_EXAMPLE[-1])


@pytest.mark.parametrize("number", valid_numbers())
def test_numbers_with_a_valid_check_digit_are_recognised_and_every_other_check_digit_is_not(number):
    assert is_individual_number(number)
    for digit in "0123456789":
        if digit != number[-1]:
            assert not is_individual_number(number[:11] + digit), number[:11] + digit


@pytest.mark.parametrize("text", [
    "123456789018",
    "１２３４５６７８９０１８",  # full-width digits
    "1234-5678-9018",
    "1234 5678 9018",
    "1234－5678－9018",  # full-width hyphen
    "1234‐5678‐9018",  # U+2010 hyphen
    "1234−5678−9018",  # U+2212 minus sign, what some Japanese input methods produce
    "1234ー5678ー9018",  # katakana long vowel mark typed as a dash
    "１２３４　５６７８　９０１８",  # full-width digits and ideographic spaces
    "私の番号は123456789018です。",
    "番号:1234-5678-9018 よろしく",
])
def test_individual_number_is_found_in_its_usual_written_forms(text):
    assert find_individual_number(text)


@pytest.mark.parametrize("text", [
    "123456789010",  # 12 digits, wrong check digit
    "123456789011",
    "1234567890180",  # 13 digits
    "0123456789018",  # 13 digits
    "03-3647-9111",  # phone number
    "090-1234-5678",
    "12345678901",  # 11 digits
    "",
])
def test_other_numbers_are_not_taken_for_an_individual_number(text):
    assert find_individual_number(text) is None


class NoteForm(SafeForm):
    subject = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    email = forms.EmailField(required=False)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize("field", ["subject", "note"])
@pytest.mark.parametrize("value", ["123456789018", "１２３４－５６７８－９０１８", "番号 1234 5678 9018 です"])
def test_safe_form_refuses_an_individual_number_in_any_text_field(field, value):
    data = {"subject": "転入届について", "note": "", field: value}
    with translation.override("en"):
        form = NoteForm(data)
        assert not form.is_valid()
        assert form.errors[field] == [
            "Do not enter your individual number (My Number). We never need it for this service. "
            "Remove the 12-digit number and try again."
        ]


def test_safe_form_message_is_japanese_on_japanese_pages():
    with translation.override("ja"):
        form = NoteForm({"subject": "123456789018"})
        assert not form.is_valid()
        message = form.errors["subject"][0]
    assert "マイナンバー" in message and "入力しないでください" in message


def test_safe_form_accepts_twelve_digits_that_fail_the_check_digit():
    form = NoteForm({"subject": "受付番号 123456789010", "note": "電話 03-3647-9111"})
    assert form.is_valid(), form.errors


def test_safe_form_refuses_in_a_text_field_added_after_construction():
    class DynamicForm(SafeForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["answer"] = forms.CharField()

    form = DynamicForm({"answer": "123456789018"})
    assert not form.is_valid()
    assert "answer" in form.errors


def test_safe_form_does_not_add_the_check_twice():
    form = NoteForm({"subject": "123456789018"})
    form.is_valid()
    form.full_clean()
    assert form.errors["subject"] and len(form.errors["subject"]) == 1


def test_json_log_lines_never_carry_an_individual_number():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("smartkoto.test.mynumber")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("resident typed %s into the form", "1234-5678-9018", extra={"field_value": "１２３４５６７８９０１８"})
        logger.info("reference %s is fine", "123456789010")
    finally:
        logger.removeHandler(handler)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert "[redacted]" in first["message"] and "9018" not in first["message"]
    assert first["field_value"] == "[redacted]"
    assert "123456789010" in second["message"]


def test_redaction_keeps_the_rest_of_the_text():
    assert redact_individual_numbers("番号は123456789018です") == "番号は[redacted]です"
    assert redact_individual_numbers("受付番号 123456789010") == "受付番号 123456789010"


@pytest.mark.django_db
def test_audit_detail_never_stores_an_individual_number():
    from smartkoto.core import audit
    from smartkoto.core.models import AuditRecord

    audit.record("test.note", actor_kind="system", detail={"note": "番号 1234-5678-9018", "ref": "123456789010"})
    stored = AuditRecord.objects.get(action="test.note").detail
    assert stored == {"note": "番号 [redacted]", "ref": "123456789010"}
    ok, _bad, _reason = audit.verify_chain()
    assert ok
