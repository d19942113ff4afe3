"""Background work for bookings: confirmation/change/cancellation emails and the reminder the day before."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from smartkoto.municipality import queries as municipality

from . import ics
from .models import Booking

REMINDER_AT = time(9, 0)  # 9:00 Asia/Tokyo on the day before


def manage_url(booking):
    from .services import manage_token

    with translation.override("ja"):
        path = reverse("appointments:booking", args=[booking.reference])
    return f"{settings.BASE_URL}{path}?key={manage_token(booking)}"


def _language(booking):
    profile = getattr(booking.user, "profile", None) if booking.user_id else None
    return getattr(profile, "preferred_language", "ja") or "ja"


def build_email(booking, kind):
    from .services import video_link

    with translation.override(_language(booking)):
        link = manage_url(booking)
        video = video_link(booking) if booking.status != booking.Status.CANCELLED else ""
        context = {"booking": booking, "kind": kind, "manage_url": link, "video_url": video,
                   "municipality": municipality.name(), "municipality_phone": municipality.profile()["phone"]}
        subject = render_to_string("appointments/email_subject.txt", context).strip()
        body = render_to_string("appointments/email_body.txt", context)
        message = EmailMessage(subject=subject, body=body, to=[booking.contact_email])
        message.attach(f"booking-{booking.reference}.ics", ics.booking_ics(booking, link, video), "text/calendar")
    return message


@task()
def send_booking_email(booking_id, kind):
    booking = Booking.objects.select_related("service", "office", "slot", "user").filter(pk=booking_id).first()
    if booking is None or not booking.contact_email:
        return "skipped"
    build_email(booking, kind).send()
    return "sent"


@task()
def send_reminder(booking_id, starts_at_iso):
    """Sent once, only if the booking is still confirmed for the same time (a reschedule plans a new one)."""
    booking = Booking.objects.select_related("service", "office", "slot", "user").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED or not booking.contact_email:
        return "skipped"
    if booking.slot.starts_at.isoformat() != starts_at_iso:
        return "skipped"
    if not Booking.objects.filter(pk=booking.pk, reminder_sent_for__isnull=True).update(reminder_sent_for=booking.slot.starts_at):
        return "skipped"
    build_email(booking, "reminder").send()
    return "sent"


def reminder_time(starts_at):
    local = timezone.localtime(starts_at, timezone.get_fixed_timezone(9 * 60))
    return datetime.combine(local.date() - timedelta(days=1), REMINDER_AT, local.tzinfo)


def schedule_reminder(booking_id):
    """Enqueue the reminder for 9:00 the day before. Backends without deferred tasks (tests) skip it."""
    booking = Booking.objects.select_related("slot").filter(pk=booking_id).first()
    if booking is None:
        return None
    when = reminder_time(booking.slot.starts_at)
    if when <= timezone.now():
        return None
    if not send_reminder.get_backend().supports_defer:
        return None
    return send_reminder.using(run_after=when).enqueue(booking_id, booking.slot.starts_at.isoformat())


@task()
def release_expired_holds():
    from smartkoto.core.actor import Actor

    from .services import release_expired_holds as release

    return release(actor=Actor.system("appointments.release_expired_holds"))
