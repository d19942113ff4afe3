"""Appointments (予約): bookable services, their slots and the bookings residents make.

Invariants the database enforces, not only Python:
- a slot never holds more bookings than its capacity (CHECK booked <= capacity, and every seat is taken
  with one conditional UPDATE ... WHERE booked < capacity);
- a person has at most one active (held or confirmed) booking per service (partial UNIQUE index);
- a replayed form post creates nothing twice (UNIQUE idempotency key).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartkoto.core.i18n import tr


class Service(models.Model):
    """Something a resident can book: a counter procedure, a consultation (also by video), a class."""

    class Kind(models.TextChoices):
        COUNTER = "counter", _("counter procedure")
        CONSULTATION = "consultation", _("consultation")
        ONLINE = "online", _("online consultation (video)")
        CLASS = "class", _("smartphone class")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    department_code = models.SlugField(_("department code"), max_length=32)
    offices = models.ManyToManyField("municipality.Office", related_name="bookable_services", verbose_name=_("offices"))
    capacity = models.PositiveSmallIntegerField(_("places per slot"), default=1)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer after each slot (minutes)"), default=0)
    horizon_days = models.PositiveSmallIntegerField(_("bookable days ahead"), default=30)
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=1)
    hold_minutes = models.PositiveSmallIntegerField(_("hold time (minutes)"), default=10)
    max_active_per_person = models.PositiveSmallIntegerField(
        _("active bookings per person across all services"), default=3)
    procedures = models.JSONField(_("procedures that can be covered"), default=list, blank=True,
                                  help_text=_('List of {"code": …, "label": {"ja": …, "en": …}}.'))
    counter_type_code = models.SlugField(_("counter type at check-in"), max_length=32, blank=True)
    video_link_base = models.URLField(_("video meeting base address"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("bookable service")
        verbose_name_plural = _("bookable services")

    def __str__(self):
        return tr(self.name)

    @property
    def is_online(self):
        return self.kind == self.Kind.ONLINE


class OpeningWave(models.Model):
    """Staggered opening (段階的受付開始): a group may book from `opens_at`. Groups are birth-year ranges."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waves")
    label = models.JSONField(_("group"))
    born_from = models.PositiveSmallIntegerField(_("born in or after (year)"), null=True, blank=True)
    born_until = models.PositiveSmallIntegerField(_("born in or before (year)"), null=True, blank=True)
    opens_at = models.DateTimeField(_("booking opens at"))

    class Meta:
        ordering = ["opens_at"]

    def covers(self, birth_year):
        if birth_year is None:
            return self.born_from is None and self.born_until is None
        return (self.born_from is None or birth_year >= self.born_from) and (
            self.born_until is None or birth_year <= self.born_until)


class Slot(models.Model):
    """One bookable time at one office. Created from the business calendar when first needed."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots")
    office = models.ForeignKey("municipality.Office", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("places taken"), default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["service", "office", "starts_at"], name="appointments_one_slot_per_time"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="appointments_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="appointments_slot_booked_not_negative"),
        ]
        indexes = [models.Index(fields=["service", "office", "starts_at"], name="appt_slot_lookup")]

    @property
    def remaining(self):
        return max(self.capacity - self.booked, 0)


class CapacityOverride(models.Model):
    """Staff change the places per slot for one day (fewer staff on duty, an extra clerk)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="overrides")
    office = models.ForeignKey("municipality.Office", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    capacity = models.PositiveSmallIntegerField(_("places per slot"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "office", "date"], name="appointments_one_override_per_day")]


class Booking(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("held, not yet confirmed")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("hold expired")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    class Source(models.TextChoices):
        ONLINE = "online", _("online")
        WALK_IN = "walk_in", _("walk-in")
        STAFF = "staff", _("by staff")

    ACTIVE = (Status.HELD, Status.CONFIRMED)

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    office = models.ForeignKey("municipality.Office", on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="bookings")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.HELD)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    procedures = models.JSONField(_("procedures"), default=list, blank=True,
                                  help_text=_("Codes and labels of the procedures this visit covers."))
    linked_applications = models.JSONField(default=list, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    walk_in_name = models.CharField(_("name (walk-in)"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: bumps on every change
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], condition=Q(status__in=["held", "confirmed"]),
                                    name="appointments_one_active_booking_per_person_service"),
        ]
        indexes = [models.Index(fields=["status", "hold_expires_at"], name="appt_booking_holds")]

    def __str__(self):
        return self.reference

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def department_code(self):
        """The department that runs the booked service: its staff act on the booking (permissions.py)."""
        return self.service.department_code


class BookingEvent(models.Model):
    """The booking's history, appended and never edited."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
