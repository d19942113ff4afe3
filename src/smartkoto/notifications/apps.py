from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "smartkoto.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from smartkoto.core import navigation
        from smartkoto.core.actor import Actor

        from .permissions import policy

        # Navigation passes the user (other apps' entries still expect one); the rule is the policy's.
        navigation.register("staff", "notifications_staff:outbox", _("Email outbox"), order=95,
                            visible=lambda user: user.is_authenticated and policy.can(Actor.for_user(user), "outbox.read"))
