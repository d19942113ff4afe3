"""Back office: each department keeps its FAQ entries; the queue of questions the guide could not answer."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartkoto.core import audit
from smartkoto.core.http import private_page
from smartkoto.core.roles import Role
from smartkoto.municipality import queries as municipality

from .. import queries, services
from ..forms import EntryForm
from ..permissions import policy


def _departments(actor):
    """Departments the actor may create entries in."""
    if actor.has_role(Role.DX_ADMIN):
        return list(municipality.departments())
    codes = actor.department_codes(*[r for r in Role if r not in (Role.DX_ADMIN, Role.AUDITOR)])
    return [d for d in municipality.departments() if d.code in codes]


@require_GET
def entries(request):
    query, department = request.GET.get("q", "")[:100], request.GET.get("department", "")[:40]
    rows = queries.entries(actor=request.actor, query=query, department=department)
    return render(request, "guide/staff/entries.html", {
        "rows": rows[:300], "count": rows.count(), "query": query, "department": department,
        "departments": municipality.departments(), "can_create": policy.can(request.actor, "entry.create", None)})


@require_GET
def review(request):
    return render(request, "guide/staff/review.html", {"rows": queries.review_due(actor=request.actor)})


def _entry_form(request, entry, question=None):
    actor = request.actor
    departments = _departments(actor)
    if request.method == "POST":
        if entry is not None:
            policy.check(actor, "entry.edit", entry)
        form = EntryForm(request.POST, departments=departments, entry=entry)
        if form.is_valid():
            entry = services.save_entry(entry, actor=actor, data=form.cleaned_data, question=question)
            messages.success(request, _("The answer is saved. The guide uses it from now on."))
            return redirect("guide_staff:edit", entry.key)
    elif entry is not None:
        form = EntryForm(initial=EntryForm.initial_for(entry), departments=departments, entry=entry)
    else:
        initial = {"published": True}
        if question is not None:
            initial.update(question={"ja" if question.language.startswith("ja") else "en": question.text},
                           department=question.department_code)
        form = EntryForm(initial=initial, departments=departments)
    can_edit = policy.can(actor, "entry.edit", entry) if entry else policy.can(actor, "entry.create", None)
    title = _("Edit FAQ entry") if entry else _("New FAQ entry")
    return render(request, "guide/staff/entry_form.html", {"form": form, "entry": entry, "question": question,
                                                           "can_edit": can_edit, "title": title})


def new_entry(request):
    policy.check(request.actor, "entry.create", None)
    question = None
    source = request.GET.get("question") or request.POST.get("question_id")
    if source and source.isdigit():
        question = queries.question_for_staff(int(source), actor=request.actor)
    return _entry_form(request, None, question)


def edit_entry(request, key):
    return _entry_form(request, queries.entry_for_staff(key, actor=request.actor))


@private_page
@require_GET
def queue(request):
    rows = list(queries.queue(actor=request.actor)[:200])
    audit.record("guide.queue_viewed", actor=request.actor, detail={"shown": len(rows)})
    return render(request, "guide/staff/queue.html", {
        "rows": [(row, policy.can(request.actor, "question.close", row)) for row in rows]})


@require_POST
def dismiss(request, pk):
    question = queries.question_for_staff(pk, actor=request.actor)
    services.close_question(question, actor=request.actor)
    messages.success(request, _("The question is removed from the queue."))
    return redirect("guide_staff:queue")
