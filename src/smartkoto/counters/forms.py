from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartkoto.core.forms import SafeForm


class CheckInForm(SafeForm):
    reference = forms.CharField(label=_("Booking reference"), max_length=24,
                                help_text=_("Scan the code on your booking, or type the 8 letters and numbers."),
                                error_messages={"required": _("Enter the booking reference.")})

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip().upper().removeprefix("SKB:").replace("-", "").replace(" ", "")
        if not value.isalnum() or len(value) != 8:
            raise forms.ValidationError(_("A booking reference has 8 letters and numbers, like K7PQ2M9X."))
        return value


class DeskForm(SafeForm):
    office = forms.ChoiceField(label=_("Office"))
    types = forms.MultipleChoiceField(label=_("Queues you call from"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Choose at least one queue.")})
    window = forms.CharField(label=_("Your window"), max_length=20, help_text=_("Shown on the display, e.g. 3."),
                             error_messages={"required": _("Enter your window number.")})

    def __init__(self, *args, offices=(), types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = offices
        self.fields["types"].choices = types


class RangeForm(SafeForm):
    office = forms.ChoiceField(label=_("Office"), required=False)
    start = forms.DateField(label=pgettext_lazy("date range", "From"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _("Enter the first day."), "invalid": _("Enter a date like 2026-04-01.")})
    end = forms.DateField(label=pgettext_lazy("date range", "To"), widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"required": _("Enter the last day."), "invalid": _("Enter a date like 2026-04-30.")})

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All offices")), *offices]

    def clean(self):
        from . import edge, queries

        data = super().clean()
        first, last = edge.history_window(queries.today())
        for name in ("start", "end"):
            if data.get(name) and not first <= data[name] <= last:
                self.add_error(name, _("Choose a day from %(first)s to %(last)s.") % {
                    "first": first.isoformat(), "last": last.isoformat()})
                data.pop(name, None)
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("The last day must be on or after the first day."))
            elif (data["end"] - data["start"]).days > 366:
                self.add_error("end", _("Choose at most one year."))
        return data
