"""Staff forms of the low-code builder: the procedure's facts, a step, a question, the declaration, an import file."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm

from .formschema import FIELD_TYPES, NAME_RE, PREFILL_SOURCES
from .lifeevents import LIFE_EVENTS
from .models import Channel, FeeKind, FeeTiming

IDENTIFIER_HINT = _("Lower-case letters, digits and _, starting with a letter (for example child_name).")


def _identifier(value):
    if not NAME_RE.match(value or ""):
        raise ValidationError(_("Use lower-case letters, digits and _, starting with a letter."))


class ProcedureForm(SafeForm):
    slug = forms.SlugField(label=_("Identifier in the address"), max_length=80, help_text=_("For example dog-registration. Cannot be changed later."))
    department = forms.ChoiceField(label=_("Owning department"))
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_easy = forms.CharField(label=_("Name (easy Japanese)"), max_length=200, required=False)
    summary_ja = forms.CharField(label=_("Summary (Japanese)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    summary_en = forms.CharField(label=_("Summary (English)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    eligibility_ja = forms.CharField(label=_("Who can apply (Japanese)"), max_length=1000, required=False)
    eligibility_en = forms.CharField(label=_("Who can apply (English)"), max_length=1000, required=False)
    requirements_ja = forms.CharField(label=_("What you need (Japanese)"), max_length=1000, required=False)
    requirements_en = forms.CharField(label=_("What you need (English)"), max_length=1000, required=False)
    legal_basis_ja = forms.CharField(label=_("Legal basis (Japanese)"), max_length=500, required=False)
    legal_basis_en = forms.CharField(label=_("Legal basis (English)"), max_length=500, required=False)
    channel = forms.ChoiceField(label=_("How it can be done"), choices=Channel.choices, widget=forms.RadioSelect)
    reason_ja = forms.CharField(label=_("Legal reason a visit is needed (Japanese)"), max_length=500, required=False,
                                help_text=_("Only when a law requires a visit; leave empty otherwise."))
    reason_en = forms.CharField(label=_("Legal reason a visit is needed (English)"), max_length=500, required=False)
    assurance_level = forms.TypedChoiceField(label=_("Sign-in needed"), coerce=int, widget=forms.RadioSelect, choices=[
        (0, _("None: guests may apply")), (1, _("My Number card or email address")), (2, _("My Number card"))])
    fee_kind = forms.ChoiceField(label=_("Fee"), choices=FeeKind.choices, widget=forms.RadioSelect)
    fee_amount = forms.IntegerField(label=_("Fee in yen"), min_value=0, max_value=1_000_000, initial=0)
    fee_field = forms.CharField(label=_("Question the fee depends on"), max_length=60, required=False,
                                help_text=_("For a fee per copy: the number question; for a fee by option: the choice question."))
    fee_options = forms.CharField(label=_("Fee per option"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("For a fee by option: one line per option value, for example large=2000."))
    fee_timing = forms.ChoiceField(label=_("When the fee is paid"), choices=FeeTiming.choices, widget=forms.RadioSelect, initial=FeeTiming.AT_SUBMISSION, required=False,
                                   help_text=_("After approval: staff set the final amount on the case, then the resident pays online."))
    processing_days = forms.IntegerField(label=_("Expected processing days"), min_value=0, max_value=365, initial=7)
    life_events = forms.MultipleChoiceField(label=_("Life events"), required=False, widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(label=_("Search keywords"), max_length=500, required=False, help_text=_("Readings in hiragana and other words residents use, separated by spaces."))
    published = forms.BooleanField(label=_("Show in the public catalog"), required=False)

    def __init__(self, *args, departments=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        from smartkoto.core.i18n import tr

        self.fields["department"].choices = [(d.code, tr(d.name)) for d in departments]
        self.fields["life_events"].choices = [(code, tr(label)) for code, label in LIFE_EVENTS.items()]
        if editing:
            self.fields["slug"].disabled = True

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if channel in (Channel.ONLINE, Channel.ONLINE_WITH_CARD) and (data.get("reason_ja") or data.get("reason_en")):
            self.add_error("reason_ja", _("An online procedure cannot have a legal reason for a visit."))
        if data.get("fee_kind") in (FeeKind.PER_COPY, FeeKind.BY_OPTION) and not data.get("fee_field"):
            self.add_error("fee_field", _("Name the question the fee depends on."))
        if data.get("fee_kind") == FeeKind.BY_OPTION and not data.get("fee_options"):
            self.add_error("fee_options", _("Give the fee of each option."))
        return data

    def clean_fee_timing(self):
        return self.cleaned_data.get("fee_timing") or FeeTiming.AT_SUBMISSION

    def clean_fee_options(self):
        options = {}
        for line in (self.cleaned_data.get("fee_options") or "").splitlines():
            if not line.strip():
                continue
            value, _sep, amount = line.partition("=")
            amount = amount.strip().replace(",", "").replace("円", "")
            if not value.strip() or not amount.isdigit():
                raise ValidationError(_("Write each line as option value=yen, for example large=2000."))
            options[value.strip()] = int(amount)
        return options


class StepForm(SafeForm):
    step_id = forms.CharField(label=_("Step identifier"), max_length=40, validators=[_identifier], help_text=IDENTIFIER_HINT)
    title_ja = forms.CharField(label=_("Step title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Step title (English)"), max_length=200)
    repeatable = forms.BooleanField(label=_("Repeatable group (for example household members)"), required=False)
    repeat_max = forms.IntegerField(label=_("Most rows in the group"), min_value=1, max_value=20, required=False, initial=6)


class FieldForm(SafeForm):
    step = forms.ChoiceField(label=_("Step"))
    name = forms.CharField(label=_("Question identifier"), max_length=40, validators=[_identifier], help_text=IDENTIFIER_HINT)
    type = forms.ChoiceField(label=_("Kind of answer"), choices=list(FIELD_TYPES.items()))
    label_ja = forms.CharField(label=_("Question (Japanese)"), max_length=300)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300)
    hint_ja = forms.CharField(label=_("Hint (Japanese)"), max_length=500, required=False)
    hint_en = forms.CharField(label=_("Hint (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    options = forms.CharField(label=_("Options"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=_("For choices: one option per line as value|Japanese|English, for example small|小|Small."))
    prefill = forms.ChoiceField(label=_("Fill in from"), required=False)
    show_if_field = forms.ChoiceField(label=_("Show only when question"), required=False)
    show_if_value = forms.CharField(label=_("has the answer (value)"), max_length=100, required=False,
                                    help_text=_("For yes/no questions use yes or no; for choices the option value."))
    min = forms.IntegerField(label=_("Smallest number"), required=False)
    max = forms.IntegerField(label=_("Largest number"), required=False)

    def __init__(self, *args, definition=None, **kwargs):
        super().__init__(*args, **kwargs)
        from smartkoto.core.i18n import tr

        definition = definition or {"steps": []}
        self.fields["step"].choices = [(s["id"], tr(s["title"])) for s in definition["steps"]]
        names = [(f["name"], f"{f['name']} — {tr(f['label'])}") for s in definition["steps"] for f in s["fields"]]
        self.fields["show_if_field"].choices = [("", _("Always show"))] + names
        self.fields["prefill"].choices = [("", _("Nothing"))] + [(k, str(v)) for k, v in PREFILL_SOURCES.items()] + [
            (f"answer.{name}", _("Earlier answer: %(name)s") % {"name": label}) for name, label in names]

    @staticmethod
    def initial_from(step_id, field):
        """The form's initial values for an existing question."""
        return {
            "step": step_id, "name": field["name"], "type": field["type"],
            "label_ja": field["label"].get("ja", ""), "label_en": field["label"].get("en", ""),
            "hint_ja": (field.get("hint") or {}).get("ja", ""), "hint_en": (field.get("hint") or {}).get("en", ""),
            "required": field.get("required", False),
            "options": "\n".join(f"{o['value']}|{o['label'].get('ja', '')}|{o['label'].get('en', '')}" for o in field.get("options", [])),
            "prefill": field.get("prefill", ""), "show_if_field": (field.get("show_if") or {}).get("field", ""),
            "show_if_value": (field.get("show_if") or {}).get("equals", ""), "min": field.get("min"), "max": field.get("max"),
        }

    def clean_options(self):
        options = []
        for line in (self.cleaned_data.get("options") or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(_("Write each option as value|Japanese|English."))
            options.append({"value": parts[0], "label": {"ja": parts[1], "en": parts[2] if len(parts) > 2 and parts[2] else parts[1]}})
        return options

    def clean(self):
        data = super().clean()
        if data.get("type") in ("select", "radio", "checkbox") and not data.get("options"):
            self.add_error("options", _("A choice question needs options."))
        if data.get("show_if_field") and not data.get("show_if_value"):
            self.add_error("show_if_value", _("Say which answer shows this question."))
        return data

    def to_field(self):
        data = self.cleaned_data
        field = {"name": data["name"], "type": data["type"], "label": {"ja": data["label_ja"], "en": data["label_en"]}, "required": data["required"]}
        if data.get("hint_ja") or data.get("hint_en"):
            field["hint"] = {"ja": data.get("hint_ja", ""), "en": data.get("hint_en", "")}
        if data.get("options"):
            field["options"] = data["options"]
        if data.get("prefill"):
            field["prefill"] = data["prefill"]
        if data.get("show_if_field"):
            field["show_if"] = {"field": data["show_if_field"], "equals": data["show_if_value"]}
        for key in ("min", "max"):
            if data.get(key) is not None:
                field[key] = data[key]
        return field


class DeclarationForm(SafeForm):
    declaration_ja = forms.CharField(label=_("Declaration (Japanese)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    declaration_en = forms.CharField(label=_("Declaration (English)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ImportForm(SafeForm):
    file = forms.FileField(label=_("Exported procedure file (JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise ValidationError(_("The file is larger than 1 MB."))
        return upload
