from django.urls import path

from . import api

app_name = "procedures_api"
urlpatterns = [
    path("", api.catalog, name="catalog"),
    path("<slug:slug>", api.detail, name="detail"),
]
