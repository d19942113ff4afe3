from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "smartkoto.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from smartkoto.core import navigation

        from .permissions import policy

        navigation.register("staff", "notifications_staff:outbox", _("Email outbox"), order=95,
                            visible=policy.allows("outbox.read"))
