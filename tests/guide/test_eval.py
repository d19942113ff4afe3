"""`smartkoto guide-eval`: the figures on a labelled set, and the shipped set held to its floors."""

import io
from pathlib import Path

import pytest

from smartkoto.guide import demo, evaluation, queries

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

SHIPPED = Path(demo.__file__).resolve().parent / "data"

FLOORS = {"top1": 0.67, "top3": 0.73, "dont_know": 0.72}
"""What the shipped set scores must not fall below (measured 2026-11-29 on 490 questions: top-1 70.4%, top-3 76.7%,
don't know 76.9%). The issue's goals (85% / 95% / 80%) are NOT met yet — see docs/guide.md. A change that loses
accuracy fails here; raise the floors as the engine improves."""


def test_the_labelled_set_is_read_with_out_of_scope_rows(tmp_path):
    rows = evaluation.read(FIXTURES / "questions.tsv")
    assert len(rows) == 6 and sum(not r.in_scope for r in rows) == 2
    assert rows[0].expected == {"faq:seiso-sodai-gomi-moshikomi", "procedure:sodai-gomi"}


def test_report_prints_top1_top3_dont_know_and_latency(faq):
    outcomes = evaluation.run(evaluation.read(FIXTURES / "questions.tsv"), queries.answer)
    out = io.StringIO()
    figures = evaluation.report(outcomes, out)
    text = out.getvalue()
    for label in ("all questions", "tuning half", "held-out half", "top-1", "top-3", "don't know on out-of-scope", "p50", "p95"):
        assert label in text
    assert figures["in_scope"] == 4 and figures["out_of_scope"] == 2
    assert figures["ranked_top1"] >= 0.75 and figures["dont_know"] == 1.0
    assert 0.5 <= figures["top1"] <= figures["top3"] <= 1.0


def test_a_wrong_label_counts_as_a_miss(faq, tmp_path):
    labelled = tmp_path / "q.tsv"
    labelled.write_text("question\texpected\tlang\tnote\n粗大ごみ 出し方\tfaq:kumin-tennyu-todoke\tja\twrong on purpose\n", encoding="utf-8")
    figures = evaluation.figures(evaluation.run(evaluation.read(labelled), queries.answer))
    assert figures["top1"] == 0.0


@pytest.mark.skipif(not (SHIPPED / "eval" / "questions.tsv").exists(), reason="the shipped labelled set is not in this tree")
def test_the_shipped_set_keeps_its_accuracy(catalog):
    demo.load()
    rows = evaluation.read(SHIPPED / "eval" / "questions.tsv")
    assert sum(r.in_scope for r in rows) >= 250 and sum(not r.in_scope for r in rows) >= 50
    figures = evaluation.figures(evaluation.run(rows, queries.answer))
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, (name, figures)
