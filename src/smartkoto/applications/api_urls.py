from django.urls import path

from . import api

app_name = "applications_api"
urlpatterns = [
    path("cases", api.cases, name="cases"),
    path("cases/<str:reference>", api.case, name="case"),
]
