"""Resident and staff forms around an application. Every one refuses an individual number (SafeForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm


class DeclarationForm(SafeForm):
    agree = forms.BooleanField(label=_("I confirm the declaration above"), error_messages={"required": _("Confirm the declaration to submit.")})
    submission = forms.UUIDField(widget=forms.HiddenInput)


class GuestLinkForm(SafeForm):
    email = forms.EmailField(label=_("Email address"), error_messages={
        "required": _("Enter your email address."), "invalid": _("Enter an email address like name@example.jp.")})


class RespondForm(SafeForm):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
                           error_messages={"required": _("Write your answer.")})
    document = forms.FileField(label=_("Document"), required=False, help_text=_("PDF, JPEG or PNG, up to 10 MB."))


class MessageForm(SafeForm):
    text = forms.CharField(label=_("Message to the resident"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           error_messages={"required": _("Write the message.")})


class NoteForm(SafeForm):
    text = forms.CharField(label=_("Internal note (not shown to the resident)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                           error_messages={"required": _("Write the note.")})


class TransitionForm(SafeForm):
    target = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Reason or request for the resident"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False,
                           help_text=_("Needed when you ask for more information or reject."))

    def clean(self):
        data = super().clean()
        if data.get("target") in ("waiting_for_resident", "rejected") and not data.get("text"):
            self.add_error("text", _("Say what you need from the resident, or why the application is rejected."))
        return data


class AssignForm(SafeForm):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody (unassigned)"))] + [(str(u.pk), u.get_full_name() or u.username) for u in staff]


class FeeForm(SafeForm):
    amount_yen = forms.IntegerField(label=_("Final fee in yen"), min_value=1, max_value=10_000_000,
                                    help_text=_("For a fee paid after approval: the amount the resident will be asked to pay."),
                                    error_messages={"required": _("Enter the fee in yen."), "min_value": _("Enter a fee of at least 1 yen."),
                                                    "invalid": _("Enter the fee as a whole number of yen.")})
