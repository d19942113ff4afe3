from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "smartkoto.counters"
    label = "counters"
