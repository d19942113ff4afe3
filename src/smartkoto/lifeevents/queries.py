"""Reads: life events, checklist rows ready to show or print, bundles with their parts' status, and the
"fields saved from writing again" measure for the plan's dashboard."""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from smartkoto.applications import queries as applications
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import formschema
from smartkoto.procedures import queries as procedures

from . import flow
from .models import Bundle, Checklist, LifeEvent, LobbyRoute, PreEntry


def published():
    return LifeEvent.objects.filter(published=True)


def get(code):
    return published().filter(code=code).prefetch_related("questions", "rules").first()


@dataclass
class Row:
    item: object
    procedure: object
    mode: str
    due_on: object = None
    deadline_note: dict = field(default_factory=dict)
    bring: dict = field(default_factory=dict)
    when: dict = field(default_factory=dict)
    offices: list = field(default_factory=list)
    fee: int = 0
    fee_per_copy: bool = False
    online_ready: bool = False

    @property
    def done(self):
        return self.item.done_at is not None


def rows(checklist, user=None):
    """Checklist items with how, deadline, what to bring, where and when, and the fee."""
    level = getattr(getattr(user, "profile", None), "assurance_level", 0) if user is not None and user.is_authenticated else 0
    result = []
    for item in checklist.items.select_related("rule").all():
        procedure = procedures.get(item.procedure_slug)
        if procedure is None:
            continue
        rule = item.rule
        offices = [o for o in (municipality.office(code) for code in (rule.where_offices.split() if rule else [])) if o]
        mode = flow.mode_of(procedure)
        result.append(Row(
            item=item, procedure=procedure, mode=mode, due_on=item.due_on,
            deadline_note=rule.deadline_note if rule else {}, bring=rule.bring if rule else {}, when=rule.when if rule else {},
            offices=offices, fee=procedures.fee_for(procedure, {}), fee_per_copy=procedure.fee_kind == "per_copy",
            online_ready=mode == flow.MODE_ONLINE and level >= procedure.assurance_level
            and not any(f.get("required") for _s, f in formschema.all_fields(procedures.live_version(procedure).definition) if f["type"] == "file"),
        ))
    return result


def checklists_of(user):
    return Checklist.objects.filter(owner=user).select_related("life_event")


def bundles_of(user):
    return Bundle.objects.filter(owner=user).prefetch_related("parts")


def pre_entries_of(user):
    return PreEntry.objects.filter(owner=user)


def part_statuses(bundle):
    """[(part, procedure, application or None)]: the resident follows every part of the bundle."""
    references = [p.application_reference for p in bundle.parts.all() if p.application_reference]
    submitted = {a.reference: a for a in applications.for_resident(bundle.owner).filter(reference__in=references)}
    return [(part, procedures.get(part.procedure_slug), submitted.get(part.application_reference)) for part in bundle.parts.all()]


def lobby_routes():
    return LobbyRoute.objects.all()


def measure():
    """For the plan's dashboard: bundles and pre-entries sent and the fields residents did not write again."""
    bundles = Bundle.objects.filter(status=Bundle.Status.SUBMITTED).aggregate(count=Count("pk"), saved=Sum("fields_saved"))
    entries = PreEntry.objects.exclude(status=PreEntry.Status.DRAFT).aggregate(count=Count("pk"), saved=Sum("fields_saved"))
    return {"bundles": bundles["count"], "bundle_fields_saved": bundles["saved"] or 0,
            "pre_entries": entries["count"], "pre_entry_fields_saved": entries["saved"] or 0,
            "fields_saved": (bundles["saved"] or 0) + (entries["saved"] or 0)}
