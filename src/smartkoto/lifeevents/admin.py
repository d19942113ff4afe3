"""DX administrators edit life events without code: questions and rules as rows with plain inputs (one text
box per language, procedures chosen from the catalog by name). Every change is audited."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartkoto.core import audit
from smartkoto.core.admin import TranslatedAdmin
from smartkoto.core.fields import TranslatedTextField
from smartkoto.core.i18n import tr

from .models import LifeEvent, LobbyRoute, Question, Rule
from .permissions import policy

TRANSLATED = {"label", "hint", "deadline_note", "bring", "when", "name", "summary", "date_label", "counter"}
OPTIONAL = {"hint", "deadline_note", "bring", "when", "summary", "date_label"}


def _procedure_choices():
    from smartkoto.procedures import queries as procedures

    return [(p.slug, f"{tr(p.name)} ({p.slug})") for p in procedures.published()]


class TranslatedInline(admin.StackedInline):
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in TRANSLATED:
            return TranslatedTextField(label=db_field.verbose_name, required=db_field.name not in OPTIONAL,
                                       require_english=db_field.name not in OPTIONAL)
        if db_field.name == "procedure_slug":
            return forms.ChoiceField(label=db_field.verbose_name, choices=_procedure_choices())
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuestionInline(TranslatedInline):
    model = Question
    fields = ("order", "name", "kind", "label", "hint", "options", "required", "show_if_question", "show_if_value")


class RuleInline(TranslatedInline):
    model = Rule
    fields = ("order", "procedure_slug", "question", "op", "value", "deadline_days", "deadline_note", "bring", "where_offices", "when")


class AuditedAdmin(TranslatedAdmin):
    """Life-event content: DX administrators edit it, auditors read it (`permissions.policy`), on top of the
    admin's own model permissions."""

    def _may(self, request, action):
        return policy.can(getattr(request, "actor", None), action)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "content.read") and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._may(request, "content.edit") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, "content.edit") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "content.edit") and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record("lifeevents.admin_saved", actor=request.actor, target=obj, detail={"fields": sorted(form.changed_data), "new": not change})

    def delete_model(self, request, obj):
        audit.record("lifeevents.admin_deleted", actor=request.actor, target=obj)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        changed = [f.instance.pk for f in formset.forms if f.has_changed()]
        if changed or formset.deleted_objects:
            audit.record("lifeevents.admin_rows_saved", actor=request.actor, target=form.instance,
                         detail={"rows": formset.model._meta.model_name, "changed": changed, "deleted": len(formset.deleted_objects)})


@admin.register(LifeEvent)
class LifeEventAdmin(AuditedAdmin):
    translated_fields = ("name", "summary", "date_label")
    optional_english = ("summary", "date_label")
    list_display = ("code", "__str__", "category", "published", "order")
    list_editable = ("published", "order")
    inlines = [QuestionInline, RuleInline]


@admin.register(LobbyRoute)
class LobbyRouteAdmin(AuditedAdmin):
    translated_fields = ("label", "counter")
    list_display = ("code", "department_code", "ticket_prefix", "order")
