"""The guide's data files keep the contract of BRIEF-guide-schema: FAQ entries per department and the labelled
question set, checked against the demo catalog, life events and departments they point to."""

import json
import re
from pathlib import Path

from smartkoto.lifeevents.demo import EVENTS
from smartkoto.municipality.demo import DEPARTMENTS
from smartkoto.procedures.demo import CATALOG

DATA = Path(__file__).resolve().parents[2] / "src" / "smartkoto" / "guide" / "data"
PROCEDURES = {row[0] for row in CATALOG}
LIFE_EVENTS = {row[0] for row in EVENTS}
DEPARTMENT_CODES = {row[0] for row in DEPARTMENTS}
ENTRY_KEYS = {"key", "department", "question", "answer", "keywords", "links", "review_by"}
WARD_PHONE = "03-3647-9111"


def entries():
    for path in sorted((DATA / "faq").glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            yield path.stem, entry


def questions():
    lines = (DATA / "eval" / "questions.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "question\texpected\tlang\tnote"
    return [line.split("\t") for line in lines[1:] if line]


def test_every_department_has_a_file_and_nothing_else():
    assert {path.stem for path in (DATA / "faq").glob("*.json")} == DEPARTMENT_CODES


def test_files_are_utf8_json_with_two_space_indent():
    for path in (DATA / "faq").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", path.name


def test_entries_follow_the_schema():
    seen = set()
    for department, entry in entries():
        key = entry["key"]
        assert set(entry) == ENTRY_KEYS, key
        assert re.fullmatch(r"[a-z0-9-]+", key) and key.startswith(department + "-"), key
        assert key not in seen, f"duplicate key {key}"
        seen.add(key)
        assert entry["department"] == department, key
        for part in ("question", "answer"):
            assert set(entry[part]) == {"ja", "en", "easy"}, key
            assert all(isinstance(text, str) and text.strip() for text in entry[part].values()), key
        assert 4 <= len(entry["keywords"]) <= 10 and len(set(entry["keywords"])) == len(entry["keywords"]), key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["review_by"]), key
    assert len(seen) >= 300


def test_links_point_to_real_procedures_life_events_and_ward_pages():
    for _, entry in entries():
        assert len(entry["links"]) <= 3, entry["key"]
        for link in entry["links"]:
            kinds = set(link) & {"procedure", "lifeevent", "url"}
            assert len(kinds) == 1, entry["key"]
            if "procedure" in link:
                assert link["procedure"] in PROCEDURES, (entry["key"], link)
            elif "lifeevent" in link:
                assert link["lifeevent"] in LIFE_EVENTS, (entry["key"], link)
            else:
                assert link["url"].startswith("https://") and set(link["label"]) == {"ja", "en"}, entry["key"]


def test_answers_give_no_phone_number_but_the_wards():
    for _, entry in entries():
        text = json.dumps(entry["answer"], ensure_ascii=False)
        assert set(re.findall(r"0\d{1,3}-\d{2,4}-\d{4}", text)) <= {WARD_PHONE}, entry["key"]


def test_question_set_labels_name_existing_answers():
    keys = {entry["key"] for _, entry in entries()}
    known = {"faq": keys, "procedure": PROCEDURES, "lifeevent": LIFE_EVENTS}
    in_scope = out_of_scope = 0
    for question, expected, lang, _note in questions():
        assert question.strip() and lang in ("ja", "en"), question
        if expected == "-":
            out_of_scope += 1
            continue
        in_scope += 1
        for label in expected.split("|"):
            kind, _, ref = label.partition(":")
            assert ref in known.get(kind, ()), (question, label)
    assert in_scope >= 250 and out_of_scope >= 50


def test_questions_are_unique_and_not_copied_from_the_faq():
    texts = [row[0] for row in questions()]
    assert len(texts) == len(set(texts))
    faq_questions = {text for _, entry in entries() for text in entry["question"].values()}
    assert not faq_questions & set(texts)
