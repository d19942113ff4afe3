from django.urls import path

from . import api

app_name = "appointments_api"
urlpatterns = [
    path("services", api.service_list, name="services"),
    path("services/<slug:code>/availability", api.availability, name="availability"),
]
