from django.urls import path

from . import api
from .views.http import private_page

app_name = "payments_api"
urlpatterns = [
    path("", private_page(api.payments), name="payments"),
    path("webhooks/<str:provider>", api.webhook, name="webhook"),
    path("<str:public_id>", private_page(api.payment_detail), name="detail"),
]
