"""The digital guide's content and what it could not answer.

`Entry` (よくある質問): one question and its answer in ja / en / やさしい日本語, kept by one department.
`Question`: a resident's question the guide did not know, or an answer a resident rated 👎 — redacted
before it is stored (see `redact.py`), waiting for staff to add an answer.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True,
                           help_text=_("Lower-case letters, digits and hyphens; starts with the department code."))
    department = models.ForeignKey("municipality.Department", on_delete=models.PROTECT, related_name="guide_entries",
                                   verbose_name=_("department"))
    question = models.JSONField(_("question"))
    answer = models.JSONField(_("answer"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True,
                             help_text=_("Up to three: a procedure, a life event or a web page."))
    review_by = models.DateField(_("review by"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=True)
    search_key = models.TextField(editable=False, default="")
    helpful = models.PositiveIntegerField(default=0)
    unhelpful = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__code", "key"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.key

    @property
    def department_code(self):
        return self.department.code if self.department_id else ""

    def make_search_key(self):
        """The normalised text staff search matches: key, question and answer in every language, keywords."""
        from smartkoto.core import text

        parts = [self.key, *(v for value in (self.question, self.answer) for v in (value or {}).values()), *(self.keywords or [])]
        return text.search_key(*parts)

    def save(self, *args, **kwargs):
        self.search_key = self.make_search_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def procedure_slugs(self):
        return [link["procedure"] for link in self.links or [] if link.get("procedure")]


class Question(models.Model):
    class Kind(models.TextChoices):
        UNANSWERED = "unanswered", _("not answered")
        UNHELPFUL = "unhelpful", _("rated not helpful")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        DISMISSED = "dismissed", _("dismissed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500, help_text=_("Stored with personal data redacted."))
    language = models.CharField(_("language"), max_length=8, default="ja")
    result = models.CharField(_("answer rated"), max_length=120, blank=True,
                              help_text=_("For 👎: which answer, e.g. faq:<key> or procedure:<slug>."))
    department_code = models.CharField(_("department"), max_length=40, blank=True,
                                       help_text=_("The department of the answer rated 👎; empty when nobody answered."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("answered by entry"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "department_code"])]
        verbose_name = _("logged question")

    def __str__(self):
        return self.text[:40]
