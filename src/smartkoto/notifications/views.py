from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from smartkoto.core import audit

from .models import OutboxAttachment, OutboxEmail


def _guard(request):
    if not request.user.has_staff_role("dx_admin", "auditor"):
        raise PermissionDenied


def outbox(request):
    _guard(request)
    emails = OutboxEmail.objects.all()
    if q := request.GET.get("to", "").strip():
        emails = emails.filter(to__icontains=q)
    page = Paginator(emails, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "q": q, "breadcrumbs": [{"label": _("Staff home"), "url": "../"}, {"label": _("Email outbox")}]})


def email_detail(request, pk):
    _guard(request)
    email = get_object_or_404(OutboxEmail, pk=pk)
    audit.record("notifications.outbox_view", request=request, target=email)
    return render(request, "notifications/email.html", {"email": email})


def attachment(request, pk):
    _guard(request)
    item = get_object_or_404(OutboxAttachment, pk=pk)
    audit.record("notifications.attachment_download", request=request, target=item)
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.filename)  # safe for Japanese names and quotes
    return response
