"""Navigation is a registry: each app adds its own entries in AppConfig.ready(), so no app edits the
shared layout to appear in the menu.

    navigation.register("public", "procedures:catalog", _("Procedures"), order=10)
    navigation.register("staff", "core_staff:audit_log", _("Audit log"), order=90, visible=policy.allows("audit_log.read"))

`visible` receives the request's `Actor`; pass `policy.allows(action)` so the menu asks the same rule as the page.
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
    actor = getattr(request, "actor", None)
    if actor is None:
        from .actor import Actor

        actor = Actor.from_request(request)
    for entry in _entries[area]:
        if entry.visible is not None and not entry.visible(actor):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url.rstrip("/") and request.path.startswith(url) and url.count("/") > 2)
        result.append({"url": url, "label": entry.label, "current": current})
    return result
