from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "smartkoto.payments"
    label = "payments"
