"""Changes made in the Django admin (municipality settings, staff accounts) go to the audit log too."""

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import audit

ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="smartkoto-admin-audit")
def record_admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    audit.record(
        ACTIONS.get(instance.action_flag, "admin.action"), user=instance.user,
        target_type=f"{instance.content_type.app_label}.{instance.content_type.model}" if instance.content_type else "",
        target_id=instance.object_id or "", detail={"change": instance.get_change_message()[:500]},
    )
