from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "smartkoto.applications"
    label = "applications"
