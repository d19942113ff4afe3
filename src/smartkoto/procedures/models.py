"""The procedure catalog (手続) and its forms as versioned data (様式の版).

A procedure says what it is, who owns it, what it costs and how it can be done. Its form lives in
`FormVersion` rows: at most one draft and any number of published versions; the newest published one
is live. A published version is never edited, so every application keeps the exact form it used.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    ONLINE_WITH_CARD = "online_with_card", _("online with My Number card")
    PREFILL_THEN_COUNTER = "online_prefill_then_counter", _("fill in online, finish at the counter")
    COUNTER_ONLY = "counter_only", _("at the counter only")


ONLINE_CHANNELS = (Channel.ONLINE, Channel.ONLINE_WITH_CARD)


class FeeKind(models.TextChoices):
    NONE = "none", _("free")
    FIXED = "fixed", _("fixed fee")
    PER_COPY = "per_copy", _("fee per copy")
    BY_OPTION = "by_option", _("fee by option")


class FeeTiming(models.TextChoices):
    """When the fee is paid: online when the application is sent, online after the ward approved it and set the
    final amount (e.g. 粗大ごみ by item), or at the counter."""

    AT_SUBMISSION = "at_submission", _("online, when you apply")
    AFTER_APPROVAL = "after_approval", _("online, after the ward has approved and set the amount")
    AT_COUNTER = "at_counter", _("at the counter")


class Procedure(models.Model):
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    department = models.ForeignKey("municipality.Department", on_delete=models.PROTECT, related_name="procedures")
    name = models.JSONField(_("name"))
    summary = models.JSONField(_("summary"), default=dict)
    eligibility = models.JSONField(_("who can apply"), default=dict)
    requirements = models.JSONField(_("what you need"), default=dict)
    legal_basis = models.JSONField(_("legal basis"), default=dict)
    channel = models.CharField(_("how it can be done"), max_length=32, choices=Channel.choices)
    offline_legal_reason = models.JSONField(
        _("legal reason it cannot be done online"), default=dict, blank=True,
        help_text=_("Only when a law requires a visit. Such procedures are left out of the online-ready share."),
    )
    assurance_level = models.PositiveSmallIntegerField(_("assurance level needed"), default=1)
    fee_kind = models.CharField(_("fee"), max_length=16, choices=FeeKind.choices, default=FeeKind.NONE)
    fee_amount = models.PositiveIntegerField(_("fee in yen"), default=0)
    fee_field = models.CharField(_("form field the fee depends on"), max_length=60, blank=True)
    fee_options = models.JSONField(_("fee per option (yen)"), default=dict, blank=True)
    fee_timing = models.CharField(_("when the fee is paid"), max_length=16, choices=FeeTiming.choices, default=FeeTiming.AT_SUBMISSION)
    processing_days = models.PositiveSmallIntegerField(_("expected processing days"), default=7)
    life_events = models.JSONField(_("life events"), default=list, blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    search_key = models.TextField(editable=False, default="")
    published = models.BooleanField(_("shown in the catalog"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__code", "slug"]

    def __str__(self):
        return self.name.get("ja", self.slug) if isinstance(self.name, dict) else str(self.name)

    def make_search_key(self):
        """The normalised text catalog search matches: names and summaries in every language, the department, keywords."""
        from smartkoto.core import text

        parts = []
        for value in (self.name, self.summary, self.department.name if self.department_id else None):
            if isinstance(value, dict):
                parts.extend(v for v in value.values() if v)
        parts.append(self.keywords or "")
        return text.search_key(*parts)

    @property
    def department_code(self):
        """The owning department's code (what permission rules and the audit log use)."""
        return self.department.code if self.department_id else ""

    @property
    def is_online(self):
        return self.channel in ONLINE_CHANNELS

    @property
    def law_keeps_offline(self):
        return self.channel not in ONLINE_CHANNELS and bool(self.offline_legal_reason and any(self.offline_legal_reason.values()))

    def live_version(self):
        return self.versions.filter(status=FormVersion.Status.PUBLISHED).order_by("-number").first()

    def draft_version(self):
        return self.versions.filter(status=FormVersion.Status.DRAFT).first()


class FormVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField(_("form definition"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="one_number_per_procedure_version"),
            models.UniqueConstraint(fields=["procedure"], condition=models.Q(status="draft"), name="one_draft_per_procedure"),
        ]

    def __str__(self):
        return f"{self.procedure.slug} v{self.number} ({self.status})"
