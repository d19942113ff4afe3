from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from django.utils.functional import SimpleLazyObject

from . import navigation, site as municipality_site


def site(request):
    """Values every page needs: the other-language link and the municipality's name and contact details."""
    current = get_language() or settings.LANGUAGE_CODE
    alternates = []
    for code, name in settings.LANGUAGES:
        if code != current:
            alternates.append({"code": code, "name": name, "url": translate_url(request.get_full_path(), code)})
    return {
        "alternate_languages": alternates,
        "current_language": current,
        "is_staff_area": "/staff/" in request.path,
        "municipality": SimpleLazyObject(municipality_site.for_pages),
        # Lazy: a page that shows no staff menu never asks the staff entries' rules (some read the database).
        "nav_public": SimpleLazyObject(lambda: navigation.items("public", request)),
        "nav_staff": SimpleLazyObject(lambda: navigation.items("staff", request)),
        "nav_footer": SimpleLazyObject(lambda: navigation.items("footer", request)),
    }
