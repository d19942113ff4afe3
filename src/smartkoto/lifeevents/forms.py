"""Forms of the life-event pages. Each refuses an individual number (SafeForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smartkoto.core.forms import SafeForm


class BundleChoiceForm(SafeForm):
    procedures = forms.MultipleChoiceField(label=_("Procedures to do together"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one procedure.")})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = choices


class BundleDeclarationForm(SafeForm):
    agree = forms.BooleanField(label=_("I confirm that what I entered is true, for every procedure above"),
                               error_messages={"required": _("Confirm the declaration to send the applications.")})


class CodeForm(SafeForm):
    code = forms.CharField(label=_("Code on the resident's screen"), max_length=20,
                           help_text=_("10 letters and digits, for example K7PMQ-2XW4R. Or scan the QR code."),
                           error_messages={"required": _("Enter the code.")})


IDENTITY_DOCUMENTS = [
    ("mynumber_card", _("My Number card")), ("driving_licence", _("Driving licence")),
    ("passport", _("Passport")), ("residence_card", _("Residence card")), ("other", pgettext_lazy("identity document", "Other")),
]


class IdentityForm(SafeForm):
    document = forms.ChoiceField(label=_("Identity checked with"), choices=IDENTITY_DOCUMENTS, widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose the document you checked.")})


class InterviewForm(SafeForm):
    procedure = forms.ChoiceField(label=_("Procedure"), error_messages={"required": _("Choose the procedure.")})
    card_code = forms.CharField(label=_("Code from the resident's card sign-in (optional)"), max_length=20, required=False,
                                help_text=_("If the resident signed in with the My Number card, their details are prefilled."))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("Choose"))] + list(choices)


class LobbyForm(SafeForm):
    route = forms.ChoiceField(label=_("What did you come for today?"), widget=forms.RadioSelect,
                              error_messages={"required": _("Choose what you came for.")})
    pre_entered = forms.ChoiceField(label=_("Did you fill in the form beforehand on your phone?"), widget=forms.RadioSelect,
                                    choices=[("yes", _("Yes, I have a QR code")), ("no", _("No"))],
                                    error_messages={"required": _("Choose yes or no.")})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = choices
