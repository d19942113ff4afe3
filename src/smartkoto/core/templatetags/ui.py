"""Design-system components for templates: {% field %}, {% error_summary %}, |tr, {% yen %}.

One form renderer for the whole site, following the Digital Agency design system's markup and
GOV.UK's error pattern: error under the field wired with aria-describedby, a summary that takes focus.
"""

from django import forms, template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from smartkoto.core.i18n import tr as translate

register = template.Library()

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def tr(value, language=None):
    return translate(value, language)


@register.filter
def yen(amount):
    """Integer yen, Japanese style: 1,200円 / ¥1,200."""
    if amount in (None, ""):
        return ""
    from django.utils.translation import get_language

    if (get_language() or "ja").startswith("ja"):
        return f"{int(amount):,}円"
    return f"¥{int(amount):,}"


@register.inclusion_tag("components/field.html")
def field(bound_field, hint=None, optional_badge=True, autocomplete=None, wide=False):
    widget = bound_field.field.widget
    describedby = []
    if hint or bound_field.help_text:
        describedby.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}-error")
    attrs = widget.attrs
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    else:
        attrs.pop("aria-describedby", None)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    else:
        attrs.pop("aria-invalid", None)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    is_choice = isinstance(widget, CHOICE_WIDGETS)
    is_checkbox = isinstance(widget, forms.CheckboxInput)
    css = "dads-input"
    if isinstance(widget, forms.Select):
        css = "dads-select"
    elif isinstance(widget, forms.Textarea):
        css = "dads-textarea"
    if not is_choice and not is_checkbox:
        attrs["class"] = css + (" dads-input--wide" if wide else "")
    return {
        "field": bound_field,
        "hint": hint or bound_field.help_text,
        "required": bound_field.field.required,
        "show_optional": optional_badge,
        "is_choice": is_choice,
        "is_checkbox": is_checkbox,
    }


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_):
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "message": error})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, CHOICE_WIDGETS):
                anchor = f"{bound.auto_id}_0"
            for error in errors:
                items.append({"href": f"#{anchor}", "message": f"{bound.label}: {error}"})
    return {"items": items}


@register.simple_tag
def error_prefix(*forms_):
    """'エラー: ' in the page title when any form on the page has errors."""
    if any(getattr(form, "errors", None) for form in forms_ if form):
        return _("Error:") + " "
    return ""


@register.simple_tag
def badge(required):
    if required:
        return format_html('<span class="dads-badge dads-badge--required">{}</span>', _("Required"))
    return format_html('<span class="dads-badge dads-badge--optional">{}</span>', _("Optional"))
