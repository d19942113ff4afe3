"""Reads of the outbox. `outbox_for` serves the resident-side demo and tests (no actor: it is what the
resident's own mailbox would show); the back-office reads take `actor=` and check the policy."""

import re

from django.shortcuts import get_object_or_404

from smartkoto.core import audit

from .models import OutboxAttachment, OutboxEmail
from .permissions import policy

MASK = "••••••••"
# A one-time link carries a long random token (secrets.token_urlsafe: 43 characters for 32 bytes) as a
# path segment or a query value. Staff reading the outbox must never be able to use one: it would sign
# them in as the resident.
_TOKEN = re.compile(r"(?<=[/=])[A-Za-z0-9_\-]{24,}(?=[/?&#\s\"'<]|$)")


def mask_one_time_links(text):
    """`text` with every one-time token in a link replaced by a mask."""
    return _TOKEN.sub(MASK, text or "")


def outbox_for(address):
    """Emails sent to `address`, newest first (the resident-side demo and tests read this)."""
    return [email for email in OutboxEmail.objects.prefetch_related("attachments") if address in email.to]


def outbox(*, actor, to=""):
    """Sent emails for the back-office list, newest first, optionally filtered by recipient."""
    policy.check(actor, "outbox.read")
    emails = OutboxEmail.objects.all()
    return emails.filter(to__icontains=to) if to else emails


def email(pk, *, actor):
    """One sent email with one-time links masked (`body` and `html_body`); the reading is audited."""
    policy.check(actor, "outbox.read")
    found = get_object_or_404(OutboxEmail, pk=pk)
    audit.record("notifications.outbox_view", actor=actor, target=found)
    found.body, found.html_body = mask_one_time_links(found.body), mask_one_time_links(found.html_body)
    return found


def attachment(pk, *, actor):
    policy.check(actor, "outbox.read")
    item = get_object_or_404(OutboxAttachment, pk=pk)
    audit.record("notifications.attachment_download", actor=actor, target=item)
    return item
