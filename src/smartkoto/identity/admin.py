"""Staff and service accounts in the settings admin. The admin site opens for DX administrators only
(core.policy "settings.administer"); these pages also ask identity's policy, so the role decides, not
Django's `is_superuser`/permission flags."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ServiceAccount, StaffMembership, User
from .permissions import policy


class PolicyAdmin:
    """Model admin whose view/add/change/delete permissions are one rule of identity's policy."""

    read_action = write_action = ""

    def has_module_permission(self, request):
        return policy.can(request.actor, self.read_action)

    def has_view_permission(self, request, obj=None):
        return policy.can(request.actor, self.read_action)

    def has_add_permission(self, request, *args):
        return policy.can(request.actor, self.write_action)

    def has_change_permission(self, request, obj=None):
        return policy.can(request.actor, self.write_action)

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.actor, self.write_action)


class MembershipInline(PolicyAdmin, admin.TabularInline):
    model = StaffMembership
    extra = 1
    read_action = write_action = "staff.administer"


@admin.register(User)
class SmartKotoUserAdmin(PolicyAdmin, UserAdmin):
    list_display = ("username", "kind", "first_name", "last_name", "is_active")
    list_filter = ("kind", "is_active")
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("kind",)}),)
    inlines = [MembershipInline]
    read_action = write_action = "staff.administer"


@admin.register(ServiceAccount)
class ServiceAccountAdmin(PolicyAdmin, admin.ModelAdmin):
    list_display = ("name", "department", "scopes", "created_at", "revoked_at")
    readonly_fields = ("token_hash",)
    read_action, write_action = "service_account.read", "service_account.manage"
