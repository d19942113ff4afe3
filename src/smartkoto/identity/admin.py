"""Staff and service accounts in the settings admin. The admin site opens for DX administrators only
(core.policy "settings.administer"); these pages also ask identity's policy, so the role decides, not
Django's `is_superuser`/permission flags."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from smartkoto.core.admin import PolicyAdmin as BasePolicyAdmin

from .models import ServiceAccount, StaffMembership, User
from .permissions import policy


class PolicyAdmin(BasePolicyAdmin):
    policy = policy


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
