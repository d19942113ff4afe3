"""The floor: a one-view Django 5.2 project that returns a small HTML page. Served by the same server, with
the same workers and threads, in the same run as the platform, it is what "1.0×" means in the bench table:
the fastest a Django page can be on this machine, so a ratio says how much the platform adds on top.

Default middleware (security, sessions, common, CSRF, auth, messages, clickjacking), no database queries,
no templates on disk: a plain view rendering a short template string."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.template import engines
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="floor-app-benchmark-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
                        "django.contrib.messages"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_TZ=True,
    )

def floor(request):
    return HttpResponse(_template.render({"title": "Floor"}, request))


urlpatterns = [path("", floor), path("healthz", floor)]

application = get_wsgi_application()
_template = engines["django"].from_string(
    "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>"
    "<body><main><h1>{{ title }}</h1><p>One view, one small page.</p></main></body></html>")
