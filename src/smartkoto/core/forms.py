"""Base form every resident- and staff-facing form uses: it refuses individual numbers in free text."""

from django import forms

from .mynumber import reject_individual_number


def _guard_text_fields(form):
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and reject_individual_number not in field.validators:
            field.validators.append(reject_individual_number)


class SafeForm(forms.Form):
    """A form whose text fields never accept an individual number (マイナンバー).

    The check is added to every text field when the form is built and again just before it is cleaned,
    so fields a subclass adds later (forms built from a procedure's definition) are covered too.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_text_fields(self)

    def full_clean(self):
        _guard_text_fields(self)
        super().full_clean()


class SafeModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard_text_fields(self)

    def full_clean(self):
        _guard_text_fields(self)
        super().full_clean()
