"""Base form every resident- and staff-facing form uses: it refuses individual numbers in free text."""

from django import forms

from .mynumber import reject_individual_number


class SafeForm(forms.Form):
    """A form whose text fields never accept an individual number (マイナンバー)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_individual_number not in field.validators:
                field.validators.append(reject_individual_number)


class SafeModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_individual_number not in field.validators:
                field.validators.append(reject_individual_number)
