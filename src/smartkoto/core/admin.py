from django.contrib import admin

from .fields import TranslatedTextField


class PolicyAdmin:
    """Mix into a ModelAdmin (first): view permission is `policy`'s `read_action`, add/change/delete its
    `write_action`, so the staff member's role decides, not Django's permission flags."""

    policy = None
    read_action = write_action = ""

    def has_module_permission(self, request):
        return self.policy.can(request.actor, self.read_action)

    def has_view_permission(self, request, obj=None):
        return self.policy.can(request.actor, self.read_action)

    def has_add_permission(self, request, *args):
        return self.policy.can(request.actor, self.write_action)

    def has_change_permission(self, request, obj=None):
        return self.policy.can(request.actor, self.write_action)

    def has_delete_permission(self, request, obj=None):
        return self.policy.can(request.actor, self.write_action)


class TranslatedAdmin(admin.ModelAdmin):
    """Translated JSON fields get one input per language instead of raw JSON."""

    translated_fields = ()
    optional_english = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.translated_fields:
            return TranslatedTextField(label=db_field.verbose_name, required=not db_field.blank,
                                       require_english=db_field.name not in self.optional_english)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def admin_permission(request):
    """Who may use the Django admin at /staff/admin/ (municipality data, staff and service accounts):
    DX administrators only (core.policy "settings.administer"), whatever the account's Django flags.

    Signed-in staff without the role are refused (403, audited) instead of being shown the admin's own
    sign-in form.
    """
    from .policy import policy

    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    policy.check(request.actor, "settings.administer")
    return True
