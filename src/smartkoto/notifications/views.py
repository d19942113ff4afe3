from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from smartkoto.core.downloads import download

from . import queries


def outbox(request):
    q = request.GET.get("to", "").strip()
    emails = queries.outbox(actor=request.actor, to=q)
    page = Paginator(emails, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "q": q, "breadcrumbs": [{"label": _("Staff home"), "url": "../"}, {"label": _("Email outbox")}]})


def email_detail(request, pk):
    email = queries.email(pk, actor=request.actor)
    return render(request, "notifications/email.html", {"email": email})


def attachment(request, pk):
    item = queries.attachment(pk, actor=request.actor)
    return download(bytes(item.content), item.filename, item.content_type)
