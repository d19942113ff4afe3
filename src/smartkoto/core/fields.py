"""Form field for translated content: one input per language, stored as {"ja": …, "en": …, "ja-easy": …}."""

from django import forms
from django.utils.translation import gettext_lazy as _

LANGUAGE_INPUTS = (("ja", _("Japanese")), ("en", _("English")), ("ja-easy", _("Plain Japanese (optional)")))


class TranslatedTextWidget(forms.MultiWidget):
    template_name = "components/translated_text_widget.html"

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(attrs={**(attrs or {}), "lang": code}) for code, _label in LANGUAGE_INPUTS], attrs)

    def decompress(self, value):
        value = value or {}
        if isinstance(value, str):
            return [value, "", ""]
        return [value.get(code, "") for code, _label in LANGUAGE_INPUTS]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for widget, (code, label) in zip(context["widget"]["subwidgets"], LANGUAGE_INPUTS):
            widget["language_label"] = label
        return context


class TranslatedTextField(forms.MultiValueField):
    """Japanese is required (the ward's official language); English too unless `require_english=False`."""

    widget = TranslatedTextWidget

    def __init__(self, *, require_english=True, max_length=500, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        fields = (
            forms.CharField(max_length=max_length, error_messages={"required": _("Enter the Japanese text.")}),
            forms.CharField(max_length=max_length, required=require_english, error_messages={"required": _("Enter the English text.")}),
            forms.CharField(max_length=max_length, required=False),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return {}
        return {code: text for (code, _label), text in zip(LANGUAGE_INPUTS, data_list) if text}
