from django.urls import path

from . import api

app_name = "guide_api"
urlpatterns = [
    path("answers", api.answers, name="answers"),
]
