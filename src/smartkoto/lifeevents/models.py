"""Life events (ライフイベント) as data, the personal checklists they produce, one-stop bundles (ワンストップ申請)
and counter pre-entries with their short-lived QR tokens (書かない窓口).

A life event is a short question flow (`Question` rows) and rules (`Rule` rows) that map answers to procedures of
the catalog by slug. DX administrators edit both in the back office without code. Procedures themselves are read
only through `procedures.queries`; applications only through `applications.services` / `applications.queries`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LifeEvent(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.JSONField(_("name"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    category = models.CharField(_("catalog category"), max_length=40, blank=True,
                                help_text=_("The life-event filter of the procedure catalog this belongs to."))
    date_label = models.JSONField(_("label of the key date"), default=dict, blank=True,
                                  help_text=_("For example the moving date; deadlines count from it."))
    local_address_required = models.BooleanField(_("new address must be in this municipality"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    published = models.BooleanField(_("shown to residents"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self):
        from smartkoto.core.i18n import tr

        return tr(self.name)


class Question(models.Model):
    """One question of a life event's flow, in the procedures form schema (so one renderer serves both)."""

    class Kind(models.TextChoices):
        YESNO = "yesno", _("Yes or no")
        RADIO = "radio", _("One choice (radio buttons)")
        NUMBER = "number", pgettext_lazy("question type", "Number")
        DATE = "date", pgettext_lazy("question type", "Date")

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="questions")
    name = models.SlugField(_("identifier"), max_length=40, help_text=_("Lower-case letters, digits and _. Rules refer to it."))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.YESNO)
    label = models.JSONField(_("question"))
    hint = models.JSONField(_("hint"), default=dict, blank=True)
    options = models.TextField(_("options"), blank=True,
                               help_text=_("One per line: value|Japanese|English. Only for one-choice questions."))
    required = models.BooleanField(_("required"), default=True)
    show_if_question = models.CharField(_("only when question"), max_length=40, blank=True)
    show_if_value = models.CharField(_("has the answer"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["life_event", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["life_event", "name"], name="lifeevents_question_name_unique")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.name


class Rule(models.Model):
    """When the answers match, this procedure is on the checklist, with its deadline, what to bring, where and when."""

    class Op(models.TextChoices):
        ALWAYS = "always", _("always")
        EQUALS = "equals", _("answer is")
        NOT_EQUALS = "not_equals", _("answer is not")
        AT_LEAST = "gte", _("number is at least")

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="rules")
    procedure_slug = models.SlugField(_("procedure"), max_length=80)
    question = models.CharField(_("question"), max_length=40, blank=True)
    op = models.CharField(_("condition"), max_length=12, choices=Op.choices, default=Op.ALWAYS)
    value = models.CharField(_("value"), max_length=40, blank=True)
    deadline_days = models.SmallIntegerField(_("deadline in days from the key date"), null=True, blank=True,
                                             help_text=_("14 = within 14 days after; -14 = at least 14 days before. Empty = no deadline."))
    deadline_note = models.JSONField(_("deadline as text"), default=dict, blank=True)
    bring = models.JSONField(_("what to bring"), default=dict, blank=True)
    where_offices = models.CharField(_("offices where it can be done"), max_length=200, blank=True,
                                     help_text=_("Office codes separated by spaces, e.g. honchosha toyosu."))
    when = models.JSONField(_("when"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["life_event", "order", "pk"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self):
        return f"{self.life_event.code}: {self.procedure_slug}"


class Checklist(models.Model):
    """A resident's personal checklist, kept on their page (guests keep it in their browser session)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="lifeevent_checklists")
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="checklists")
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    procedure_slug = models.SlugField(max_length=80)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["checklist", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["checklist", "procedure_slug"], name="lifeevents_item_once_per_checklist")]


class Bundle(models.Model):
    """One-stop bundle: several online procedures with shared answers asked once; one application per part."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("not sent yet")
        SUBMITTED = "submitted", _("sent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lifeevent_bundles")
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.SET_NULL, related_name="bundles")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    shared_answers = models.JSONField(default=dict)
    fields_saved = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class BundlePart(models.Model):
    """One procedure of a bundle. The link to its application is kept here (applications has no bundle id)."""

    class HandOff(models.TextChoices):
        PENDING = "pending", _("being handed to the department")
        DONE = "done", _("received by the department")
        FAILED = "failed", _("hand-off failed, retrying")

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="parts")
    procedure_slug = models.SlugField(max_length=80)
    department_code = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    hand_off = models.CharField(max_length=10, choices=HandOff.choices, default=HandOff.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    application_public_id = models.UUIDField(null=True, blank=True)
    application_reference = models.CharField(max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["bundle", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "procedure_slug"], name="lifeevents_part_once_per_bundle")]


class PreEntry(models.Model):
    """A counter procedure filled in beforehand (事前入力): at home, on a lobby tablet, or by staff in interview mode."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being filled in")
        READY = "ready", _("ready for the counter")
        AT_COUNTER = "at_counter", _("opened at the counter")
        PRINTED = "printed", _("form printed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lifeevent_pre_entries")
    procedure_slug = models.SlugField(max_length=80)
    department_code = models.CharField(max_length=40, db_index=True)
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.SET_NULL, related_name="pre_entries")
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    interview_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    identity_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    identity_document = models.CharField(max_length=20, blank=True)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    fields_saved = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]


class CounterToken(models.Model):
    """What the QR code holds: a random code, stored only as a hash; short-lived and single-use.

    Either for a pre-entry, or (with `resident`) to let staff prefill an interview from a card sign-in.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    pre_entry = models.ForeignKey(PreEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class LobbyRoute(models.Model):
    """Lobby guidance (迷わない): what the visitor came for → counter, floor and ticket type."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.JSONField(_("what the visitor came for"))
    department_code = models.CharField(_("department code"), max_length=40)
    counter = models.JSONField(_("counter"))
    ticket_prefix = models.CharField(_("ticket type"), max_length=2, blank=True)
    counter_type_code = models.CharField(_("queue code at the counters"), max_length=32, blank=True)
    pre_entry_slug = models.SlugField(_("procedure to fill in beforehand"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("lobby route")
        verbose_name_plural = _("lobby routes")

    def __str__(self):
        return self.code
