from django.contrib import admin

from .models import CalendarException, Department, Municipality, Office


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "phone")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "phone", "email")
    search_fields = ("code",)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "kind", "phone", "opens_at", "closes_at")
    list_filter = ("kind",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "office", "is_open", "__str__")
    list_filter = ("is_open", "office")
