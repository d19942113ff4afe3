from django.contrib import admin

from smartkoto.core.admin import TranslatedAdmin

from .models import CalendarException, Department, Municipality, Office


@admin.register(Municipality)
class MunicipalityAdmin(TranslatedAdmin):
    translated_fields = ("name", "service_name", "address", "opening_hours")
    list_display = ("code", "__str__", "phone")


@admin.register(Department)
class DepartmentAdmin(TranslatedAdmin):
    translated_fields = ("name", "division", "location")
    list_display = ("code", "__str__", "phone", "email")
    search_fields = ("code",)


@admin.register(Office)
class OfficeAdmin(TranslatedAdmin):
    translated_fields = ("name", "address")
    list_display = ("code", "__str__", "kind", "phone", "opens_at", "closes_at")
    list_filter = ("kind",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(TranslatedAdmin):
    translated_fields = ("reason",)
    optional_english = ("reason",)
    list_display = ("date", "office", "is_open", "__str__")
    list_filter = ("is_open", "office")
