from .models import OutboxEmail


def outbox_for(address):
    """Emails sent to `address`, newest first (the resident-side demo and tests read this)."""
    return [email for email in OutboxEmail.objects.prefetch_related("attachments") if address in email.to]
