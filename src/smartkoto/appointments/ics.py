"""iCalendar (RFC 5545) for a booking: one VEVENT, times in Asia/Tokyo with its VTIMEZONE."""

from django.utils import timezone
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

TOKYO_VTIMEZONE = [
    "BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "BEGIN:STANDARD", "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST", "END:STANDARD", "END:VTIMEZONE",
]


def _escape(text):
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line):
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(dt):
    return timezone.localtime(dt, timezone.get_fixed_timezone(9 * 60)).strftime("%Y%m%dT%H%M%S")


def booking_ics(booking, manage_url="", video_url=""):
    cancelled = booking.status == booking.Status.CANCELLED
    description = [_("Reference: %(reference)s") % {"reference": booking.reference}]
    for item in booking.procedures:
        description.append("・" + tr(item.get("label")))
    if video_url:
        description.append(_("Video consultation: %(url)s") % {"url": video_url})
    if manage_url:
        description.append(_("Change or cancel: %(url)s") % {"url": manage_url})
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{_escape(municipality.name('en') or 'municipality')}//Smart KOTO appointments//JA",
        "CALSCALE:GREGORIAN", "METHOD:" + ("CANCEL" if cancelled else "PUBLISH"), *TOKYO_VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@appointments.smartkoto",
        f"SEQUENCE:{booking.sequence}",
        "DTSTAMP:" + timezone.now().astimezone(timezone.get_fixed_timezone(0)).strftime("%Y%m%dT%H%M%SZ"),
        f"DTSTART;TZID=Asia/Tokyo:{_local(booking.slot.starts_at)}",
        f"DTEND;TZID=Asia/Tokyo:{_local(booking.slot.ends_at)}",
        "SUMMARY:" + _escape(tr(booking.service.name)),
        "LOCATION:" + _escape(video_url or f"{tr(booking.office.name)} {tr(booking.office.address)}"),
        "DESCRIPTION:" + _escape("\n".join(description)),
        "STATUS:" + ("CANCELLED" if cancelled else "CONFIRMED"),
    ]
    if manage_url:
        lines.append("URL:" + manage_url)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
