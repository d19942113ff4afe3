from django.urls import path

from . import api

app_name = "payments_api"
urlpatterns = [
    path("", api.payments, name="payments"),
    path("webhooks/<str:provider>", api.webhook, name="webhook"),
    path("<str:public_id>", api.payment_detail, name="detail"),
]
