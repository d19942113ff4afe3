"""Koto demo FAQ: the JSON files in data/faq/ (one per department, see docs/guide.md for the format)."""

import json
from datetime import date
from pathlib import Path

from smartkoto.municipality import queries as municipality

from .models import Entry

DATA = Path(__file__).resolve().parent / "data" / "faq"


def translated(value):
    """The data files' {"ja", "en", "easy"} in the house format {"ja", "en", "ja-easy"}."""
    value = dict(value or {})
    if "easy" in value:
        value["ja-easy"] = value.pop("easy")
    return {k: v for k, v in value.items() if v}


def _link(link):
    if "label" in link:
        link = {**link, "label": translated(link["label"])}
    return link


def read(folder=DATA):
    """Every entry in the folder's *.json files, in file order."""
    for path in sorted(Path(folder).glob("*.json")):
        yield from json.loads(path.read_text(encoding="utf-8"))


def load(folder=DATA):
    """Create or update the entries of the data files; returns how many. Unknown departments are skipped.
    New entries are inserted in one statement (`smartkoto run` loads every app's demo data on first start)."""
    departments = {d.code: d for d in municipality.departments()}
    existing = {entry.key: entry for entry in Entry.objects.all()}
    new, count = [], 0
    for item in read(folder):
        department = departments.get(item.get("department"))
        if department is None:
            continue
        review_by = item.get("review_by")
        values = {"department": department, "question": translated(item["question"]), "answer": translated(item["answer"]),
                  "keywords": list(item.get("keywords") or []), "links": [_link(link) for link in item.get("links") or []],
                  "review_by": date.fromisoformat(review_by) if review_by else None, "published": item.get("published", True)}
        entry = existing.get(item["key"]) or Entry(key=item["key"])
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.pk:
            entry.save()
        else:
            entry.search_key = entry.make_search_key()
            new.append(entry)
        count += 1
    Entry.objects.bulk_create(new, batch_size=200)
    return count
