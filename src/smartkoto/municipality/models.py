"""The municipality as data (自治体): profile, departments (課), offices (本庁舎・出張所), calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkoto.core.i18n import tr


class Municipality(models.Model):
    """The one municipality this installation serves."""

    code = models.CharField(_("local government code"), max_length=6, unique=True)  # 全国地方公共団体コード
    name = models.JSONField(_("name"))
    service_name = models.JSONField(_("service name"), default=dict)
    address = models.JSONField(_("address"))
    postal_code = models.CharField(_("postal code"), max_length=8)
    phone = models.CharField(_("phone"), max_length=20)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=dict)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipality")

    def __str__(self):
        return tr(self.name)


class Department(models.Model):
    """A section (課) that owns procedures and cases."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.JSONField(_("name"))
    division = models.JSONField(_("division (部)"), default=dict, blank=True)
    location = models.JSONField(_("where to find it"), default=dict, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    keeps_ledger = models.BooleanField(
        _("keeps the ledger of every department's payments (会計管理)"), default=False,
        help_text=_("Its staff read every department's payments and reconcile them with the provider's settlements."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return tr(self.name)


class Office(models.Model):
    """A place residents go: the main office (本庁舎) or a branch office (出張所)."""

    class Kind(models.TextChoices):
        MAIN = "main", _("main office")
        BRANCH = "branch", _("branch office")
        OTHER = "other", _("other facility")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.JSONField(_("name"))
    address = models.JSONField(_("address"))
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    opens_at = models.TimeField(_("opens at"), default="08:30")
    closes_at = models.TimeField(_("closes at"), default="17:00")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return tr(self.name)


class CalendarException(models.Model):
    """A day that differs from the rule: an extra closure, or a weekend opening (休日開庁)."""

    date = models.DateField(_("date"))
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("office"),
                               help_text=_("Empty means every office."))
    is_open = models.BooleanField(_("open on this day"), default=False)
    reason = models.JSONField(_("reason"), default=dict)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [models.UniqueConstraint(fields=["date", "office"], name="one_exception_per_office_day")]

    def __str__(self):
        return f"{self.date} {tr(self.reason)}"
