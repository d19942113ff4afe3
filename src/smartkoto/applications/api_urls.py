from django.urls import path

from . import api
from .views.public import private_page

app_name = "applications_api"
urlpatterns = [
    path("cases", private_page(api.cases), name="cases"),
    path("cases/<str:reference>", private_page(api.case), name="case"),
]
