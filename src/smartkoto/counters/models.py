"""Counter queue (整理券): counter types per office, numbered tickets and their history."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkoto.core.i18n import tr


def new_token():
    return secrets.token_urlsafe(16)


class CounterType(models.Model):
    """One queue at one office (住民異動, 証明書, マイナンバーカード…), with its ticket prefix letter."""

    office = models.ForeignKey("municipality.Office", on_delete=models.CASCADE, related_name="counter_types")
    code = models.SlugField(_("code"), max_length=32)
    name = models.JSONField(_("name"))
    prefix = models.CharField(_("ticket prefix"), max_length=2)
    department_code = models.SlugField(_("department code"), max_length=32)
    default_service_minutes = models.PositiveSmallIntegerField(_("usual minutes per person"), default=10)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["office", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="counters_type_code_per_office"),
            models.UniqueConstraint(fields=["office", "prefix"], name="counters_type_prefix_per_office"),
        ]

    def __str__(self):
        return tr(self.name)


class QueueState(models.Model):
    """A version number per office, bumped on every queue change: live pages answer 304 while it stays."""

    office = models.OneToOneField("municipality.Office", on_delete=models.CASCADE, related_name="+")
    version = models.BigIntegerField(default=0)


class TicketSequence(models.Model):
    counter_type = models.ForeignKey(CounterType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["counter_type", "day"], name="counters_one_sequence_per_day")]


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        SERVING = "serving", _("being served")
        SERVED = "served", _("finished")
        NO_SHOW = "no_show", _("did not come")
        CANCELLED = "cancelled", _("cancelled")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("kiosk")
        STAFF = "staff", _("issued by staff")
        BOOKING = "booking", _("booked online")

    token = models.CharField(max_length=32, unique=True, default=new_token)
    office = models.ForeignKey("municipality.Office", on_delete=models.PROTECT, related_name="+")
    counter_type = models.ForeignKey(CounterType, on_delete=models.PROTECT, related_name="tickets")
    issued_on = models.DateField()
    number = models.PositiveIntegerField()
    display = models.CharField(_("number"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.KIOSK)
    priority = models.PositiveSmallIntegerField(default=0)  # booked and transferred visitors go first
    booking_reference = models.CharField(max_length=16, blank=True)
    window = models.CharField(_("window"), max_length=20, blank=True)
    issued_at = models.DateTimeField()
    waiting_since = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    first_called_at = models.DateTimeField(null=True, blank=True)
    serving_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "issued_on", "display"], name="counters_one_number_per_office_day"),
        ]
        indexes = [
            models.Index(fields=["counter_type", "issued_on", "status"], name="counters_queue"),
            models.Index(fields=["office", "issued_on", "status"], name="counters_office_day"),
        ]

    def __str__(self):
        return self.display

    @property
    def department_code(self):
        """The department whose queue the ticket is in: its staff act on it (permissions.py)."""
        return self.counter_type.department_code


class TicketEvent(models.Model):
    """What happened to a ticket, appended and never edited."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    window = models.CharField(max_length=20, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    detail = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["at", "id"]
