"""Breadcrumbs and the sign-in redirect shared by the public life-event pages."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def crumbs(*extra):
    return [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Life events"), "url": reverse("lifeevents:index")}] + list(extra)


def sign_in(next_url):
    return redirect(reverse("identity:sign_in") + "?next=" + next_url)
