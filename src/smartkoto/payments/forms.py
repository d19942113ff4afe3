from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm
from smartkoto.core.i18n import tr

from . import queries


class SlipLookupForm(SafeForm):
    number = forms.CharField(label=_("Payment number (納付番号)"), max_length=24,
                             help_text=_("The 16 digits printed on your payment slip."),
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    check_code = forms.CharField(label=_("Confirmation number (確認番号)"), max_length=10,
                                 help_text=_("The 6 digits printed next to the payment number."),
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean_number(self):
        value = "".join(ch for ch in self.cleaned_data["number"] if not ch.isspace() and ch != "-")
        value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if len(value) != 16 or not value.isdigit():
            raise forms.ValidationError(_("Enter the payment number as 16 digits."))
        return value

    def clean_check_code(self):
        value = self.cleaned_data["check_code"].strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if len(value) != 6 or not value.isdigit():
            raise forms.ValidationError(_("Enter the confirmation number as 6 digits."))
        return value


class PayForm(SafeForm):
    """Nothing the server trusts travels with the 'Pay' button: the amount comes from the slip and the idempotency
    key is derived from the slip on the server (slips.payment_key). The hidden field only shows which key."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class SimCardForm(forms.Form):
    card_number = forms.CharField(label=_("Card number"), max_length=23,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}))
    expiry = forms.CharField(label=_("Expiry date (MM/YY)"), max_length=7,
                             widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "inputmode": "numeric"}))
    cvc = forms.CharField(label=_("Security code"), max_length=4,
                          widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}))

    def clean_card_number(self):
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())
        if not 12 <= len(digits) <= 19:
            raise forms.ValidationError(_("Enter the card number (12 to 19 digits)."))
        return digits

    def clean_expiry(self):
        value = self.cleaned_data["expiry"].replace(" ", "")
        parts = value.split("/")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= 12:
            raise forms.ValidationError(_("Enter the expiry date like 12/30."))
        return value

    def clean_cvc(self):
        value = self.cleaned_data["cvc"].strip()
        if not value.isdigit() or len(value) not in (3, 4):
            raise forms.ValidationError(_("Enter the 3 or 4 digit security code."))
        return value


def fee_choices(actor, fees=None):
    from django.utils.translation import gettext

    return [(fee.code, f"{tr(fee.name)} — " + gettext("%(amount)s yen per %(unit)s") % {"amount": f"{fee.amount_yen:,}", "unit": tr(fee.unit)})
            for fee in (queries.fees(actor=actor) if fees is None else fees)]


class IssueSlipForm(SafeForm):
    fee_code = forms.ChoiceField(label=_("Fee"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=50, initial=1)

    def __init__(self, *args, actor, **kwargs):
        from .permissions import policy

        super().__init__(*args, **kwargs)
        fees = list(queries.fees(actor=actor))
        # any active fee is valid input (the service refuses, audited, a fee of another department);
        # the list offers only the fees this actor may issue slips for
        self.fields["fee_code"].choices = fee_choices(actor, fees)
        self.fields["fee_code"].widget.choices = fee_choices(actor, [fee for fee in fees if policy.can(actor, "slip.issue", fee)])


class FeeAmountForm(SafeForm):
    amount_yen = forms.IntegerField(
        label=_("Amount (yen)"), min_value=0, max_value=10_000_000,
        help_text=_("Whole yen, 0 or more."),
        error_messages={"required": _("Enter the amount in yen."), "invalid": _("Enter the amount as a whole number of yen."),
                        "min_value": _("The amount cannot be negative."), "max_value": _("The amount is too large.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "step": "1"}))


class RefundRequestForm(SafeForm):
    amount_yen = forms.IntegerField(label=_("Amount to refund (yen)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown to the approver and kept in the payment's history."))

    def __init__(self, *args, payment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        if payment is not None:
            self.fields["amount_yen"].max_value = payment.refundable_yen
            self.fields["amount_yen"].help_text = _("At most %(amount)s yen can still be refunded.") % {"amount": f"{payment.refundable_yen:,}"}

    def clean_amount_yen(self):
        value = self.cleaned_data["amount_yen"]
        if self.payment is not None and value > self.payment.refundable_yen:
            raise forms.ValidationError(_("This is more than can still be refunded."))
        return value


class RefundDecisionForm(SafeForm):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


EARLIEST_LEDGER_DAY = date(2000, 1, 1)


class PeriodForm(forms.Form):
    """A period of the ledger: from 2000-01-01 to a year from today, at most a year long."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def _in_window(self, value):
        latest = timezone.localdate() + timedelta(days=366)
        if value is not None and not EARLIEST_LEDGER_DAY <= value <= latest:
            raise forms.ValidationError(_("Choose a date from %(earliest)s to %(latest)s.")
                                        % {"earliest": EARLIEST_LEDGER_DAY.isoformat(), "latest": latest.isoformat()})
        return value

    def clean_start(self):
        return self._in_window(self.cleaned_data.get("start"))

    def clean_end(self):
        return self._in_window(self.cleaned_data.get("end"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date must not be before the start date."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366:
            raise forms.ValidationError(_("Choose at most one year."))
        return data
