from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "smartkoto.notifications"
    label = "notifications"
