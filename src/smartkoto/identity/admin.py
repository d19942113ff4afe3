from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ServiceAccount, StaffMembership, User


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 1


@admin.register(User)
class SmartKotoUserAdmin(UserAdmin):
    list_display = ("username", "kind", "first_name", "last_name", "is_active")
    list_filter = ("kind", "is_active")
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("kind",)}),)
    inlines = [MembershipInline]


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "scopes", "created_at", "revoked_at")
    readonly_fields = ("token_hash",)
