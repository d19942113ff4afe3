"""Mounted at the site root (no language prefix, no redirects): CKAN Action API and DCAT feeds."""

from django.urls import path

from . import api
from .views import feeds

app_name = "opendata_api"
urlpatterns = [
    path("api/3", api.api_version, name="version"),
    path("api/3/action/<str:name>", api.action, name="action"),
    path("api/action/<str:name>", api.action, name="action_unversioned"),
    path("catalog.<str:fmt>", feeds.catalog, name="catalog"),
    path("dataset/<str:name>.<str:fmt>", feeds.dataset, name="dataset"),
    path("data.json", feeds.data_json, name="data_json"),
]
