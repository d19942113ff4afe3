from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "smartkoto.procedures"
    label = "procedures"
