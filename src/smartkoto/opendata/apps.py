from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "smartkoto.opendata"
    label = "opendata"
