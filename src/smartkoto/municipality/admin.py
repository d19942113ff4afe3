from django.contrib import admin

from smartkoto.core.admin import PolicyAdmin, TranslatedAdmin

from .models import CalendarException, Department, Municipality, Office
from .permissions import policy


class MunicipalityDataAdmin(PolicyAdmin, TranslatedAdmin):
    policy = policy
    read_action, write_action = "settings.read", "settings.change"


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityDataAdmin):
    translated_fields = ("name", "service_name", "address", "opening_hours")
    list_display = ("code", "__str__", "phone")


@admin.register(Department)
class DepartmentAdmin(MunicipalityDataAdmin):
    translated_fields = ("name", "division", "location")
    list_display = ("code", "__str__", "phone", "email")
    search_fields = ("code",)


@admin.register(Office)
class OfficeAdmin(MunicipalityDataAdmin):
    translated_fields = ("name", "address")
    list_display = ("code", "__str__", "kind", "phone", "opens_at", "closes_at")
    list_filter = ("kind",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(MunicipalityDataAdmin):
    translated_fields = ("reason",)
    optional_english = ("reason",)
    list_display = ("date", "office", "is_open", "__str__")
    list_filter = ("is_open", "office")
