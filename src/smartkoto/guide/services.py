"""Writes: FAQ entries (each department its own), the log of questions the guide could not answer or whose
answer was rated 👎 (redacted before storing), and ratings. Every staff change is audited."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from smartkoto.core import audit, throttle
from smartkoto.municipality import queries as municipality

from .models import Entry, Question
from .permissions import policy
from .redact import redact

LOG_LIMIT_PER_HOUR = 30
"""Questions one client may add to the log per hour (a script cannot flood the staff queue)."""


def save_entry(entry, *, actor, data, question=None):
    """Create (`entry` None) or change an entry from cleaned form data: key, department (a code), question,
    answer, keywords, links, review_by, published. `question`: the logged question this entry answers."""
    creating = entry is None
    if creating:
        policy.check(actor, "entry.create", data["department"], department_code=data["department"])
        entry = Entry(key=data["key"])
    else:
        policy.check(actor, "entry.edit", entry)
        if data["department"] != entry.department_code:
            policy.check(actor, "entry.create", data["department"], department_code=data["department"])
    with transaction.atomic():
        entry.department = municipality.department(data["department"])
        for name in ("question", "answer", "keywords", "links", "review_by", "published"):
            setattr(entry, name, data[name])
        entry.updated_by = actor.user if actor.user is not None and actor.user.is_authenticated else None
        entry.save()
        audit.record("guide.entry_created" if creating else "guide.entry_changed", actor=actor, target=entry,
                     department_code=entry.department_code, detail={"key": entry.key})
        if question is not None:
            close_question(question, actor=actor, entry=entry)
    return entry


def close_question(question, *, actor, entry=None):
    """Mark a logged question answered (by `entry`) or, without one, dismissed. Closing twice changes nothing."""
    policy.check(actor, "question.close", question)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status != Question.Status.OPEN:
            return question
        question.status = Question.Status.ANSWERED if entry is not None else Question.Status.DISMISSED
        question.entry = entry
        question.closed_at = timezone.now()
        question.save(update_fields=["status", "entry", "closed_at"])
        audit.record("guide.question_answered" if entry is not None else "guide.question_dismissed", actor=actor,
                     target=question, department_code=question.department_code,
                     detail={"entry": entry.key if entry is not None else ""})
    return question


def _within_log_limit(client):
    return throttle.take(f"guide.log:{client}", LOG_LIMIT_PER_HOUR, 3600)


def log_unanswered(text, *, language, client):
    """Keep a question the guide did not know (redacted) for staff; None when the client's hourly limit is used up."""
    if not text.strip() or not _within_log_limit(client):
        return None
    return Question.objects.create(kind=Question.Kind.UNANSWERED, text=redact(text)[:500], language=language[:8])


def rate(ref, helpful, *, question, language, client):
    """A resident's 👍/👎 on an answer (`ref` as "faq:<key>", "procedure:<slug>", "lifeevent:<code>").
    A 👎 logs the question (redacted) for the answer's department. Returns the logged question or None."""
    kind, _sep, key = ref.partition(":")
    department_code = ""
    if kind == "faq":
        counter = "helpful" if helpful else "unhelpful"
        Entry.objects.filter(key=key).update(**{counter: F(counter) + 1})
        department_code = Entry.objects.filter(key=key).values_list("department__code", flat=True).first() or ""
    if helpful or not question.strip() or not _within_log_limit(client):
        return None
    if kind == "procedure":
        from smartkoto.procedures import queries as procedures

        procedure = procedures.get(key)
        department_code = procedure.department_code if procedure else ""
    return Question.objects.create(kind=Question.Kind.UNHELPFUL, text=redact(question)[:500], language=language[:8],
                                   result=ref[:120], department_code=department_code)
