from django.urls import path

from smartkoto.core.http import private_page

from . import api

app_name = "payments_api"
urlpatterns = [
    path("", private_page(api.payments), name="payments"),
    path("webhooks/<str:provider>", api.webhook, name="webhook"),
    path("<str:public_id>", private_page(api.payment_detail), name="detail"),
]
