from django.urls import path

from . import api

app_name = "lifeevents_api"
urlpatterns = [
    path("", api.life_events, name="list"),
    path("measure", api.measure, name="measure"),
    path("<slug:code>", api.life_event, name="detail"),
]
