"""Navigation is a registry: each app adds its own entries in AppConfig.ready(), so no app edits the
shared layout to appear in the menu.

    navigation.register("public", "procedures:catalog", _("Procedures"), order=10)
    navigation.register("staff", "core_staff:audit_log", _("Audit log"), order=90,
                        visible=lambda user: user.is_authenticated and policy.can(Actor.for_user(user), "audit_log.read"))

`visible` receives the signed-in user (other apps' entries still expect one); ask the app's policy with
`Actor.for_user(user)` rather than restating a rule.
    navigation.register("footer", "procedures:online_share", _("Online-ready procedures"), order=10)
"""

from dataclasses import dataclass
from typing import Callable

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    area: str
    url_name: str
    label: object
    order: int = 100
    visible: Callable | None = None


_entries: dict[str, list[NavEntry]] = {"public": [], "staff": [], "footer": []}


def register(area, url_name, label, order=100, visible=None):
    entries = _entries[area]
    if any(entry.url_name == url_name for entry in entries):
        return
    entries.append(NavEntry(area, url_name, label, order, visible))
    entries.sort(key=lambda entry: entry.order)


def items(area, request):
    result = []
    from django.contrib.auth.models import AnonymousUser

    user = getattr(request, "user", None) or AnonymousUser()
    for entry in _entries[area]:
        if entry.visible is not None and not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url.rstrip("/") and request.path.startswith(url) and url.count("/") > 2)
        result.append({"url": url, "label": entry.label, "current": current})
    return result
