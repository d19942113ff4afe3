"""Pure logic: a life event's questions as a form step, rules → checklist, and the pages of a one-stop bundle.

The question flow and every bundle page are steps in the procedures form schema, rendered and validated by
`procedures.queries.StepPage` — the one form renderer of the platform.
"""

import datetime

from django.http import QueryDict
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import queries as procedures
from smartkoto.procedures import formschema

SKIPPED_TYPES = {"file"}


def _options(text):
    result = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if parts and parts[0]:
            result.append({"value": parts[0], "label": {"ja": parts[1] if len(parts) > 1 else parts[0],
                                                        "en": parts[2] if len(parts) > 2 else parts[0]}})
    return result


def question_step(life_event):
    """The life event's questions as one form step."""
    fields = []
    for question in life_event.questions.all():
        field = {"name": question.name, "type": question.kind, "label": question.label, "required": question.required}
        if question.hint:
            field["hint"] = question.hint
        if question.kind == "radio":
            field["options"] = _options(question.options)
        if question.kind == "number":
            field.update({"min": 0, "max": 20})
        if question.show_if_question:
            field["show_if"] = {"field": question.show_if_question, "equals": question.show_if_value}
        fields.append(field)
    return {"id": "questions", "title": life_event.name, "fields": fields}


def rule_matches(rule, answers):
    if rule.op == "always" or not rule.question:
        return True
    value = answers.get(rule.question)
    if rule.op == "equals":
        return str(value) == rule.value if not isinstance(value, list) else rule.value in value
    if rule.op == "not_equals":
        return value not in (None, "") and str(value) != rule.value
    if rule.op == "gte":
        try:
            return int(value or 0) >= int(rule.value)
        except (TypeError, ValueError):
            return False
    return False


def key_date(answers):
    value = answers.get("event_date")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def matching_rules(life_event, answers):
    """Rules whose condition holds, at most one per procedure (the first in order), for published procedures."""
    seen, result = set(), []
    for rule in life_event.rules.all():
        if rule.procedure_slug in seen or not rule_matches(rule, answers):
            continue
        if procedures.get(rule.procedure_slug) is None:
            continue
        seen.add(rule.procedure_slug)
        result.append(rule)
    return result


def due_on(rule, answers):
    day = key_date(answers)
    if rule.deadline_days is None or day is None:
        return None
    return day + datetime.timedelta(days=rule.deadline_days)


MODE_ONLINE, MODE_PRE_ENTRY, MODE_COUNTER = "online", "pre_entry", "counter"


def mode_of(procedure):
    if procedure.is_online:
        return MODE_ONLINE
    if procedure.channel == "online_prefill_then_counter":
        return MODE_PRE_ENTRY
    return MODE_COUNTER


# -- bundles ------------------------------------------------------------------------------------------
def form_fields(definition):
    """(step, field) pairs a bundle or pre-entry asks (files are left to the procedure's own pages)."""
    return [(s, f) for s, f in formschema.all_fields(definition) if f["type"] not in SKIPPED_TYPES]


def bundle_plan(procedure_list):
    """Which questions are shared and which pages each procedure still needs.

    Shared: a question asked on a plain step by two or more procedures (same name), and a repeatable group
    (same step id) two or more procedures have. Returns {"shared_fields", "shared_groups", "parts"}, where parts
    maps slug → list of (step_id, remaining step) pages.
    """
    field_count, group_count, first_field, first_group = {}, {}, {}, {}
    definitions = {}
    for procedure in procedure_list:
        definition = procedures.live_version(procedure).definition
        definitions[procedure.slug] = definition
        for step in formschema.steps(definition):
            if step.get("repeat"):
                group_count[step["id"]] = group_count.get(step["id"], 0) + 1
                first_group.setdefault(step["id"], step)
                continue
            for field in step["fields"]:
                if field["type"] in SKIPPED_TYPES:
                    continue
                # Same name, same question and same options: the same fact. A "details" box asking something else is not shared.
                key = _key(field)
                field_count[key] = field_count.get(key, 0) + 1
                first_field.setdefault(key, field)
    shared_keys = [key for key, count in field_count.items() if count >= 2]
    names_seen = {}
    for key in shared_keys:
        names_seen[key[0]] = names_seen.get(key[0], 0) + 1
    shared_keys = [key for key in shared_keys if names_seen[key[0]] == 1]
    first_field = {key[0]: value for key, value in first_field.items() if key in shared_keys}
    shared_names = [key[0] for key in shared_keys]
    shared_fields = []
    for name in shared_names:
        field = dict(first_field[name])
        field["required"] = any(f.get("required") for d in definitions.values() for _s, f in formschema.all_fields(d)
                                if f["name"] == name and not _s.get("repeat"))
        if field.get("show_if") and field["show_if"]["field"] not in shared_names:
            field.pop("show_if")
        if field.get("prefill", "").startswith("answer.") and field["prefill"][7:] not in shared_names:
            field.pop("prefill")
        shared_fields.append(field)
    shared_groups = [first_group[sid] for sid, count in group_count.items() if count >= 2]
    shared_group_ids = {g["id"] for g in shared_groups}
    shared_set = set(shared_keys)
    parts = {}
    for procedure in procedure_list:
        pages = []
        for step in formschema.steps(definitions[procedure.slug]):
            if step.get("repeat"):
                if step["id"] not in shared_group_ids:
                    fields = [f for f in step["fields"] if f["type"] not in SKIPPED_TYPES]
                    if fields:
                        pages.append((step["id"], {**step, "fields": fields}))
                continue
            fields = [f for f in step["fields"] if _key(f) not in shared_set and f["type"] not in SKIPPED_TYPES]
            if fields:
                pages.append((step["id"], {**step, "fields": fields}))
        parts[procedure.slug] = pages
    return {"shared_fields": shared_fields, "shared_groups": shared_groups, "parts": parts, "definitions": definitions}


def _key(field):
    return (field["name"], (field.get("label") or {}).get("ja"), repr(field.get("options")))


def shared_step(plan):
    return {"id": "shared", "title": {"ja": "共通の項目", "en": "Shared details"}, "fields": plan["shared_fields"]}


def assemble(definition, shared, part_answers):
    """A procedure's full answers from the bundle's shared answers and its own answers."""
    result = {}
    for step in formschema.steps(definition):
        if step.get("repeat"):
            if step["id"] in shared:
                result[step["id"]] = shared[step["id"]]
            elif step["id"] in part_answers:
                result[step["id"]] = part_answers[step["id"]]
            continue
        values = {}
        for field in step["fields"]:
            if field["type"] in SKIPPED_TYPES:
                continue
            own = (part_answers.get(step["id"]) or {})
            if field["name"] in own:
                values[field["name"]] = own[field["name"]]
            elif field["name"] in (shared.get("shared") or {}):
                values[field["name"]] = shared["shared"][field["name"]]
        result[step["id"]] = values
    return result


def as_post_data(step, value):
    """Stored answers of one step back into form data, so a procedure's own form re-validates them."""
    data = QueryDict(mutable=True)
    rows = value if isinstance(value, list) else [value or {}]
    if step.get("repeat"):
        data["rows"] = str(len(rows))
    for index, row in enumerate(rows):
        prefix = f"r{index}-" if step.get("repeat") else ""
        for field in step["fields"]:
            answer = row.get(field["name"])
            if answer is None:
                continue
            if isinstance(answer, list):
                data.setlist(prefix + field["name"], [str(v) for v in answer])
            else:
                data[prefix + field["name"]] = str(answer)
    return data


def count_answered(answers):
    count = 0
    for value in (answers or {}).values():
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            if isinstance(row, dict):
                count += sum(1 for v in row.values() if v not in (None, "", []))
    return count


def contradictions(life_event, checklist_answers, shared, group_ids):
    """Answers that contradict each other across procedures, as [(field name or None, message)].

    Checked once, on the shared step: the checklist's answers against the shared answers.
    """
    problems = []
    flat = shared or {}
    address = flat.get("address") or ""
    previous = flat.get("previous_address") or ""
    here = municipality.name("ja")
    if life_event is not None and life_event.local_address_required and address and here and here not in address:
        problems.append(("address", _("For this life event your new address must be in %(municipality)s.") % {"municipality": municipality.name()}))
    if address and previous and address.replace(" ", "") == previous.replace(" ", ""):
        problems.append(("previous_address", _("Your previous address is the same as your new address.")))
    if flat.get("event_date") and flat.get("birth_date") and flat["event_date"] < flat["birth_date"]:
        problems.append(("event_date", _("The date of the change is before your date of birth.")))
    answers = checklist_answers or {}
    if life_event is not None and answers.get("event_date") and flat.get("event_date") and answers["event_date"] != flat["event_date"]:
        problems.append(("event_date", _("This date differs from the date you gave for your checklist (%(date)s).")
                         % {"date": formschema.format_date(answers["event_date"])}))
    return problems


def label(field):
    return tr(field.get("label"))
