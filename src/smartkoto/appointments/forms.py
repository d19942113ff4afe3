from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm


class TokenField(forms.Field):
    """A machine-made form token (not text a person typed): checked for its shape only, so a random
    token that happens to contain 12 digits is not mistaken for an individual number."""

    widget = forms.HiddenInput
    default_validators = [RegexValidator(r"^[A-Za-z0-9_-]{1,64}$")]

    def to_python(self, value):
        return (value or "").strip()


class SlotChoiceField(forms.ChoiceField):
    """A time of the day: its row id, or "tHHMM" for a time shown before its row existed (`aliases`)."""

    aliases = {}

    def valid_value(self, value):
        return str(value) in self.aliases or super().valid_value(value)


class SlotForm(SafeForm):
    """Choose one time. The key makes a double click or a replayed post create one hold, not two.
    `cleaned_data["slot"]` is the slot's row id (an int)."""

    slot = SlotChoiceField(label=_("Time"), widget=forms.RadioSelect,
                           error_messages={"required": _("Choose a time."),
                                           "invalid_choice": _("Choose one of the times shown.")})
    key = TokenField()

    def __init__(self, *args, slots=(), **kwargs):
        from .services import slot_key, time_key

        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot_key(slot), label) for slot, label in slots]
        # a page shown before the time's row existed posts "tHHMM": the row made since answers to it too
        self.fields["slot"].aliases = {**{time_key(slot): slot.pk for slot, _label in slots},
                                       **{slot_key(slot): slot.pk for slot, _label in slots}}

    def clean_slot(self):
        value = self.fields["slot"].aliases.get(str(self.cleaned_data["slot"]))
        if not value:
            raise forms.ValidationError(self.fields["slot"].error_messages["invalid_choice"], code="invalid_choice")
        return value


class ConfirmForm(SafeForm):
    procedures = forms.MultipleChoiceField(label=_("What will you do at the visit?"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    email = forms.EmailField(label=_("Email for the confirmation"), max_length=254,
                             error_messages={"required": _("Enter an email address for the confirmation."),
                                             "invalid": _("Enter an email address like name@example.jp.")})

    def __init__(self, *args, procedure_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = procedure_choices
        if not procedure_choices:
            del self.fields["procedures"]


class StaffDayForm(SafeForm):
    service = forms.ChoiceField(label=_("Service"))
    office = forms.ChoiceField(label=_("Office"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": _("Enter a date like 2026-04-01.")})

    def __init__(self, *args, services=(), offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services
        self.fields["office"].choices = offices

    def clean_date(self):
        from . import edge
        from .services import today

        value = self.cleaned_data["date"]
        first, last = edge.staff_window(today())
        if not first <= value <= last:
            raise forms.ValidationError(_("Choose a day from %(first)s to %(last)s.") % {
                "first": first.isoformat(), "last": last.isoformat()}, code="outside_window")
        return value


class CapacityForm(SafeForm):
    capacity = forms.IntegerField(label=_("Places per slot on this day"), min_value=0, max_value=50,
                                  error_messages={"required": _("Enter the number of places."),
                                                  "invalid": _("Enter a whole number."),
                                                  "min_value": _("Enter 0 or more."),
                                                  "max_value": _("Enter 50 or fewer.")})
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class WalkInForm(SafeForm):
    name = forms.CharField(label=_("Name of the visitor"), required=False, max_length=100)
    procedures = forms.MultipleChoiceField(label=_("Procedures"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, procedure_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = procedure_choices
        if not procedure_choices:
            del self.fields["procedures"]
