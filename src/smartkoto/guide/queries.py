"""Reads: answers to a question (the engine over FAQ entries, procedures and life events), entries for the
staff pages, the review-due list and the question queue.

`answer(...)` is public (anyone may ask); staff reads take `actor=` and check `permissions.policy`.
"""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from smartkoto.core import text
from smartkoto.lifeevents import queries as lifeevents
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import queries as procedures

from . import engine
from .models import Entry, Question
from .permissions import policy

MAX_QUESTION_LENGTH = 200
REVIEW_SOON_DAYS = 30


# -- the engine's content ------------------------------------------------------------------------------
def content_version():
    """Changes whenever an entry, a procedure or a life event changes (cheap: three aggregates)."""
    entries = Entry.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    events = lifeevents.published().aggregate(latest=Max("updated_at"), count=Count("pk"))
    return (str(entries["latest"]), entries["count"], procedures.catalog_version(), str(events["latest"]), events["count"])


def _text(value):
    """Translated text in the house format ({"ja", "en", "ja-easy"}) joined for indexing."""
    if isinstance(value, dict):
        return " ".join(v for v in value.values() if v)
    return value or ""


def documents():
    """Everything the guide answers from, as engine documents."""
    docs = []
    catalog = list(procedures.published())
    names = {procedure.slug: _text(procedure.name) for procedure in catalog}
    for entry in Entry.objects.filter(published=True).select_related("department"):
        slugs = entry.procedure_slugs()
        docs.append(engine.Document(
            ref=f"faq:{entry.key}", title=entry.question, body=entry.answer, route=("guide:entry", entry.key),
            procedure=slugs[0] if slugs else None, department=entry.department_code,
            fields={"question": _text(entry.question), "keywords": " ".join(entry.keywords or []),
                    "links": " ".join(names.get(slug, "") for slug in slugs), "answer": _text(entry.answer)}))
    for procedure in catalog:
        docs.append(engine.Document(
            ref=f"procedure:{procedure.slug}", title=procedure.name, body=procedure.summary,
            route=("procedures:detail", procedure.slug), procedure=procedure.slug, department=procedure.department_code,
            fields={"title": _text(procedure.name), "keywords": procedure.keywords or "", "answer": _text(procedure.summary)}))
    for event in lifeevents.published():
        docs.append(engine.Document(
            ref=f"lifeevent:{event.code}", title=event.name, body=event.summary,
            route=("lifeevents:questions", event.code), procedure=None,
            fields={"title": _text(event.name), "answer": _text(event.summary)}))
    return docs


def home_names():
    """How residents write this municipality's name (江東区, 江東, Koto City, Koto)."""
    names = {municipality.name("ja"), municipality.name("en")}
    for name in list(names):
        for suffix in ("区", "市", "町", "村", " City", " Ward", " city", " ward"):
            if name and name.endswith(suffix):
                names.add(name[: -len(suffix)])
    return sorted(n for n in names if n)


def current_index():
    return engine.index(content_version(), documents, home_names())


def answer(question, *, limit=5):
    """The engine's best answers to `question` (an `engine.Result`), best first; `confident` False means
    "I don't know" (the answers are then only suggestions)."""
    return current_index().search(question[:MAX_QUESTION_LENGTH], limit=limit)


def entry_by_key(key):
    """A published entry for the public page."""
    return Entry.objects.filter(key=key, published=True).select_related("department").first()


# -- staff ----------------------------------------------------------------------------------------------
def entries(*, actor, query="", department=""):
    """Entries the actor may read: their own departments', or all for DX administrators and auditors."""
    policy.check(actor, "entry.list")
    from smartkoto.core.roles import Role

    rows = Entry.objects.select_related("department")
    if not (actor.has_role(Role.DX_ADMIN) or actor.has_role(Role.AUDITOR)):
        rows = rows.filter(department__code__in=actor.department_codes())
    if department:
        rows = rows.filter(department__code=department)
    for word in (query or "").split():
        rows = rows.filter(search_key__contains=text.normalize(word))
    return rows


def review_due(*, actor, today=None):
    """Entries the actor may read whose review date has passed or comes within 30 days, soonest first."""
    today = today or timezone.localdate()
    return entries(actor=actor).filter(review_by__lte=today + timedelta(days=REVIEW_SOON_DAYS)).order_by("review_by", "key")


def entry_for_staff(key, *, actor):
    from django.http import Http404

    entry = Entry.objects.select_related("department").filter(key=key).first()
    if entry is None:
        raise Http404
    policy.check(actor, "entry.read", entry)
    return entry


def queue(*, actor):
    """Open logged questions the actor may read (every staff role), newest first."""
    policy.check(actor, "queue.read")
    return Question.objects.filter(status=Question.Status.OPEN)


def question_for_staff(pk, *, actor):
    from django.http import Http404

    question = Question.objects.filter(pk=pk).first()
    if question is None:
        raise Http404
    policy.check(actor, "queue.read", question)
    return question
