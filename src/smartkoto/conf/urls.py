"""URL map. Public pages are Japanese at / and English under /en/; APIs and providers are not prefixed."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from smartkoto.core.views import ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("api/", include("smartkoto.core.api_urls")),
    path("dev-oidc/", include("smartkoto.identity.devprovider.urls")),
    path("api/procedures/", include("smartkoto.procedures.api_urls")),
    path("api/applications/", include("smartkoto.applications.api_urls")),
    path("api/appointments/", include("smartkoto.appointments.api_urls")),
    path("api/counters/", include("smartkoto.counters.api_urls")),
    path("api/payments/", include("smartkoto.payments.api_urls")),
    path("api/lifeevents/", include("smartkoto.lifeevents.api_urls")),
    path("api/guide/", include("smartkoto.guide.api_urls")),
    path("", include("smartkoto.opendata.api_urls")),  # CKAN /api/3/action/..., DCAT /catalog.jsonld
]

urlpatterns += i18n_patterns(
    path("", include("smartkoto.core.urls")),
    path("", include("smartkoto.identity.urls")),
    path("staff/admin/", admin.site.urls),
    path("staff/", include("smartkoto.core.staff_urls")),
    path("staff/outbox/", include("smartkoto.notifications.staff_urls")),
    path("procedures/", include("smartkoto.procedures.urls")),
    path("staff/procedures/", include("smartkoto.procedures.staff_urls")),
    path("applications/", include("smartkoto.applications.urls")),
    path("staff/cases/", include("smartkoto.applications.staff_urls")),
    path("appointments/", include("smartkoto.appointments.urls")),
    path("staff/appointments/", include("smartkoto.appointments.staff_urls")),
    path("counters/", include("smartkoto.counters.urls")),
    path("staff/counters/", include("smartkoto.counters.staff_urls")),
    path("payments/", include("smartkoto.payments.urls")),
    path("staff/payments/", include("smartkoto.payments.staff_urls")),
    path("opendata/", include("smartkoto.opendata.urls")),
    path("staff/opendata/", include("smartkoto.opendata.staff_urls")),
    path("life-events/", include("smartkoto.lifeevents.urls")),
    path("staff/life-events/", include("smartkoto.lifeevents.staff_urls")),
    path("guide/", include("smartkoto.guide.urls")),
    path("staff/guide/", include("smartkoto.guide.staff_urls")),
    prefix_default_language=False,
)

handler400 = "smartkoto.core.views.pages.bad_request"
handler404 = "smartkoto.core.views.pages.not_found"
handler500 = "smartkoto.core.views.pages.server_error"
handler403 = "smartkoto.core.views.pages.forbidden"
