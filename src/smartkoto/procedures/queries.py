"""Reads of the procedure catalog other apps may use (applications imports this module, never models).

The published catalog is public: its reads need no actor. Back-office reads take `actor=` and check
`permissions.policy`. The form engine (steps, StepPage, summary, validation) is the public module
`procedures.formschema`; this module does not re-export it.
"""

from dataclasses import dataclass

from smartkoto.core import text
from smartkoto.municipality import queries as municipality

from .formschema import flat_answers
from .lifeevents import LIFE_EVENTS
from .models import ONLINE_CHANNELS, Channel, FeeKind, FeeTiming, FormVersion, Procedure
from .permissions import policy, readable_department_codes

# The plan's headline KPI targets (the municipality's DX promotion plan): share of procedures that can be done online.
ONLINE_SHARE_TARGETS = [("FY2024", 11, True), ("FY2025", 48, False), ("FY2026", 92, False), ("FY2027–2029", 100, False)]


def published():
    return Procedure.objects.filter(published=True).select_related("department")


def catalog_version():
    """Changes whenever any procedure changes: part of the cache key of rendered catalog lists."""
    from django.db.models import Count, Max

    figures = Procedure.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    return f"{figures['latest'].timestamp() if figures['latest'] else 0}-{figures['count']}"


def search(query="", department="", life_event="", online="", full=False):
    """Catalog search: every word of the query must occur in the normalised text (kanji, kana, width-folded).

    The catalog page leaves out the long texts it does not show; `full=True` (the JSON API, which shows them)
    loads them in the same query instead of one query per procedure and text."""
    procedures = published()
    if not full:
        procedures = procedures.defer("eligibility", "requirements", "legal_basis", "offline_legal_reason")
    if department:
        procedures = procedures.filter(department__code=department)
    if online == "online":
        procedures = procedures.filter(channel__in=ONLINE_CHANNELS)
    elif online == "counter":
        procedures = procedures.exclude(channel__in=ONLINE_CHANNELS)
    words = [text.normalize(word) for word in (query or "").split() if text.normalize(word)]
    for word in words:
        procedures = procedures.filter(search_key__contains=word)
    result = list(procedures)
    if words:
        # Procedures whose name holds the words come before those found by keyword or department only.
        result.sort(key=lambda p: not all(w in text.search_key(*[v for v in p.name.values() if v]) for w in words))
    if life_event:
        result = [p for p in result if life_event in (p.life_events or [])]
    return result


def get(slug, include_unpublished=False):
    qs = Procedure.objects.select_related("department")
    if not include_unpublished:
        qs = qs.filter(published=True)
    return qs.filter(slug=slug).first()


def by_id(procedure_id):
    return Procedure.objects.select_related("department").filter(pk=procedure_id).first()


def live_version(procedure):
    return procedure.live_version()


def version(version_id):
    return FormVersion.objects.select_related("procedure", "procedure__department").filter(pk=version_id).first()


def life_events():
    return LIFE_EVENTS


def departments_with_procedures():
    return municipality.departments().filter(procedures__published=True).distinct().order_by("code")


def fee_for(procedure, answers):
    """The fee in integer yen for these answers. Computed on the server only, never taken from the browser."""
    if procedure.fee_kind == FeeKind.NONE:
        return 0
    if procedure.fee_kind == FeeKind.FIXED:
        return procedure.fee_amount
    value = flat_answers(answers).get(procedure.fee_field)
    if procedure.fee_kind == FeeKind.PER_COPY:
        try:
            copies = max(int(value or 1), 0)
        except (TypeError, ValueError):
            copies = 1
        return procedure.fee_amount * copies
    if procedure.fee_kind == FeeKind.BY_OPTION:
        return int((procedure.fee_options or {}).get(str(value), procedure.fee_amount))
    return 0


def fee_timing(procedure):
    """When the fee of `procedure` is paid (a `models.FeeTiming` value); "" when it is free."""
    if procedure.fee_kind == FeeKind.NONE:
        return ""
    return procedure.fee_timing


def pays_online(procedure):
    """True when an online application of `procedure` is paid online (at submission or after approval)."""
    return fee_timing(procedure) in (FeeTiming.AT_SUBMISSION, FeeTiming.AFTER_APPROVAL)


@dataclass
class OnlineShare:
    online: int
    denominator: int
    excluded_by_law: int
    total: int
    by_channel: dict

    @property
    def percent(self):
        return round(100 * self.online / self.denominator, 1) if self.denominator else 0.0


def online_share():
    """オンライン化率, live from the catalog: online-ready procedures ÷ procedures the law allows online."""
    procedures = list(published())
    excluded = [p for p in procedures if p.law_keeps_offline]
    online = [p for p in procedures if p.channel in ONLINE_CHANNELS]
    by_channel = {choice: sum(1 for p in procedures if p.channel == choice) for choice, _label in Channel.choices}
    return OnlineShare(online=len(online), denominator=len(procedures) - len(excluded), excluded_by_law=len(excluded),
                       total=len(procedures), by_channel=by_channel)


# -- back office ------------------------------------------------------------------------------------
def for_staff(*, actor):
    """Procedures (published or not) the actor may see in the back office: their departments', or every
    department's for DX administrators and auditors."""
    policy.check(actor, "builder.open")
    found = Procedure.objects.select_related("department")
    codes = readable_department_codes(actor)
    return found if codes is None else found.filter(department__code__in=codes)


def builder_list(*, actor):
    """(procedure, live version, draft version) for the builder's list, in two queries: the versions' numbers
    and statuses come in one prefetch (without their form definitions)."""
    from django.db.models import Prefetch

    versions = FormVersion.objects.only("id", "procedure_id", "number", "status").order_by("-number")
    rows = []
    for procedure in for_staff(actor=actor).prefetch_related(Prefetch("versions", queryset=versions, to_attr="version_numbers")):
        live = next((v for v in procedure.version_numbers if v.status == FormVersion.Status.PUBLISHED), None)
        draft = next((v for v in procedure.version_numbers if v.status == FormVersion.Status.DRAFT), None)
        rows.append((procedure, live, draft))
    return rows


def staff_procedure(slug, *, actor, action="procedure.read_staff"):
    """One procedure (published or not) for a back-office page, or None; refused (Forbidden) unless the actor
    may `action` it ("procedure.read_staff" for builder pages, "version.read" for its form versions)."""
    found = Procedure.objects.select_related("department").filter(slug=slug).first()
    if found is not None:
        policy.check(actor, action, found)
    return found
