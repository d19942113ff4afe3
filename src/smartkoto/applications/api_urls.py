from django.urls import path

from smartkoto.core.http import private_page

from . import api


app_name = "applications_api"
urlpatterns = [
    path("cases", private_page(api.cases), name="cases"),
    path("cases/<str:reference>", private_page(api.case), name="case"),
]
