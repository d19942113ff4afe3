from django.urls import path

from .views import public

app_name = "opendata"
urlpatterns = [
    path("", public.catalog, name="catalog"),
    path("developers/", public.developers, name="developers"),
    path("schemas/", public.schemas, name="schemas"),
    path("schemas/<str:schema_id>/", public.schema, name="schema"),
    path("dataset/<slug:name>/", public.dataset, name="dataset"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/", public.resource, name="resource"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/report/", public.report, name="report"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/download", public.download, name="download"),
]
