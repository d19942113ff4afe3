"""Email backend that writes to the outbox table instead of sending."""

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .models import OutboxAttachment, OutboxEmail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            with transaction.atomic():
                stored = OutboxEmail.objects.create(
                    from_email=message.from_email, to=list(message.to) + list(message.cc) + list(message.bcc),
                    subject=message.subject, body=message.body, html_body=html,
                )
                for attachment in message.attachments:
                    if isinstance(attachment, tuple) or hasattr(attachment, "filename"):
                        filename, content, mimetype = attachment
                        if isinstance(content, str):
                            content = content.encode()
                        OutboxAttachment.objects.create(email=stored, filename=filename or "attachment",
                                                        content_type=mimetype or "application/octet-stream", content=content)
            count += 1
        return count
