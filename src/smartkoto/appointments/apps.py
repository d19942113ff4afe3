from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "smartkoto.appointments"
    label = "appointments"
