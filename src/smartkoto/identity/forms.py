from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm


class EmailSignInForm(SafeForm):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             error_messages={"required": _("Enter your email address."),
                                             "invalid": _("Enter an email address in the right format, like name@example.jp.")})


class ContactForm(SafeForm):
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254,
                             help_text=_("We send confirmations and reminders here."),
                             error_messages={"invalid": _("Enter an email address in the right format, like name@example.jp.")})
    phone = forms.RegexField(label=_("Phone number"), required=False, regex=r"^[0-9０-９\-‐－ ()（）+]{10,20}$",
                             help_text=_("For example 03-3647-9111 or 090-1234-5678."),
                             error_messages={"invalid": _("Enter a phone number using digits and hyphens, like 03-3647-9111.")})
    preferred_language = forms.ChoiceField(label=_("Language for emails"), choices=settings.LANGUAGES, widget=forms.RadioSelect)


class StaffPasswordForm(SafeForm):
    username = forms.CharField(label=_("Staff ID"), max_length=150,
                               error_messages={"required": _("Enter your staff ID.")})
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False),
                               error_messages={"required": _("Enter your password.")})


class StaffCodeForm(SafeForm):
    code = forms.RegexField(label=_("6-digit code from your authenticator app"), regex=r"^\s*\d{3}\s?\d{3}\s*$", max_length=8,
                            error_messages={"required": _("Enter the 6-digit code."),
                                            "invalid": _("Enter the 6 digits shown in your authenticator app.")})
