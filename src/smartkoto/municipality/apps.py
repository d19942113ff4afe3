from django.apps import AppConfig


class MunicipalityConfig(AppConfig):
    name = "smartkoto.municipality"
    label = "municipality"
