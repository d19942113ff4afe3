from django.contrib import admin

from .fields import TranslatedTextField


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
