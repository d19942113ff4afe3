"""`smartkoto guide-eval FILE`: the engine measured on a labelled question set (data/eval/questions.tsv format:
question, expected, lang, note; expected is `faq:KEY`, `procedure:SLUG`, `lifeevent:CODE`, several joined by
`|`, or `-` for a question the guide should not answer).

- top-1: in-scope questions the guide answered (confident) with an expected answer first;
- top-3: in-scope questions the guide answered with an expected answer among its first three;
- don't know: out-of-scope questions the guide did not answer (said it does not know, and where to ask);
- latency: p50 and p95 of one answer, in milliseconds, after the index is built.

The threshold was tuned on the *tuning* half (rows 1, 3, 5, … of the file); the command reports the whole set
and each half, so the held-out half shows how much the tuning flatters.
"""

import csv
import time
from dataclasses import dataclass


@dataclass
class Row:
    number: int
    question: str
    expected: frozenset  # empty: out of scope
    language: str
    note: str

    @property
    def in_scope(self):
        return bool(self.expected)

    @property
    def tuning(self):
        return self.number % 2 == 1


def read(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, record in enumerate(reader, start=1):
            expected = (record.get("expected") or "").strip()
            question = (record.get("question") or "").strip()
            if not question:
                continue
            rows.append(Row(number, question, frozenset() if expected in ("", "-") else frozenset(expected.split("|")),
                            (record.get("lang") or "ja").strip(), (record.get("note") or "").strip()))
    return rows


def _percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class Outcome:
    row: Row
    refs: list
    confident: bool
    seconds: float

    @property
    def top1(self):
        return self.confident and bool(self.refs) and self.refs[0] in self.row.expected

    @property
    def top3(self):
        return self.confident and any(ref in self.row.expected for ref in self.refs[:3])

    @property
    def ranked_top1(self):
        return bool(self.refs) and self.refs[0] in self.row.expected


def run(rows, answer):
    """Ask every question; `answer(text)` returns an engine Result."""
    answer("warm-up")  # builds the index: not part of any question's latency
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        result = answer(row.question)
        outcomes.append(Outcome(row, [a.document.ref for a in result.answers], result.confident, time.perf_counter() - started))
    return outcomes


def figures(outcomes):
    inside = [o for o in outcomes if o.row.in_scope]
    outside = [o for o in outcomes if not o.row.in_scope]
    times = [o.seconds * 1000 for o in outcomes]

    def share(items, test):
        return sum(1 for item in items if test(item)) / len(items) if items else 0.0

    return {"questions": len(outcomes), "in_scope": len(inside), "out_of_scope": len(outside),
            "top1": share(inside, lambda o: o.top1), "top3": share(inside, lambda o: o.top3),
            "ranked_top1": share(inside, lambda o: o.ranked_top1),
            "dont_know": share(outside, lambda o: not o.confident),
            "p50_ms": _percentile(times, 0.5), "p95_ms": _percentile(times, 0.95)}


GOALS = {"top1": 0.85, "top3": 0.95, "dont_know": 0.80}


def report(outcomes, out):
    def line(label, f):
        out.write(f"{label:<22} n={f['questions']:>3} (in scope {f['in_scope']}, out of scope {f['out_of_scope']})  "
                  f"top-1 {f['top1']:.1%}  top-3 {f['top3']:.1%}  don't know on out-of-scope {f['dont_know']:.1%}  "
                  f"p50 {f['p50_ms']:.1f} ms  p95 {f['p95_ms']:.1f} ms\n")

    whole = figures(outcomes)
    line("all questions", whole)
    line("tuning half (odd rows)", figures([o for o in outcomes if o.row.tuning]))
    line("held-out half (even)", figures([o for o in outcomes if not o.row.tuning]))
    out.write("goals: top-1 >= 85%, top-3 >= 95%, don't know >= 80% — "
              + ", ".join(f"{name} {'met' if whole[name] >= goal else 'NOT met'}" for name, goal in GOALS.items()) + "\n")
    return whole


def misses(outcomes, out, limit=40):
    shown = 0
    for o in outcomes:
        wrong = (o.row.in_scope and not o.top1) or (not o.row.in_scope and o.confident)
        if wrong and shown < limit:
            out.write(f"  row {o.row.number}: {o.row.question!r} expected {'|'.join(sorted(o.row.expected)) or '-'}"
                      f" got {o.refs[:3]} confident={o.confident}\n")
            shown += 1
