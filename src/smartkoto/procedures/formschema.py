"""The small declarative form schema (様式定義) and the one renderer that turns it into Django forms.

A definition is JSON:

    {"schema": 1,
     "steps": [{"id": "applicant", "title": {"ja": "申請者", "en": "Applicant"},
                "repeat": {"min": 1, "max": 6},                       # optional: a repeatable group
                "fields": [{"name": "full_name", "type": "text", "label": {...}, "hint": {...},
                            "required": true, "prefill": "profile.full_name",   # or "answer.<field>"
                            "options": [{"value": "1", "label": {...}}],        # select/radio/checkbox
                            "min": 1, "max": 10, "max_length": 100,
                            "show_if": {"field": "has_car", "equals": "yes"}}]}],
     "declaration": {"ja": "...", "en": "..."}}

Answers are stored per step: {"applicant": {"full_name": "…"}, "members": [{…}, {…}]}.
Field names are unique across the whole form so conditions and prefill can name them.
"""

import datetime
import functools
import json
import pathlib
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkoto.core.forms import SafeForm
from smartkoto.core.i18n import tr

FIELD_TYPES = {
    "text": gettext_lazy("Text"),
    "textarea": gettext_lazy("Long text"),
    "kana": gettext_lazy("Name in katakana"),
    "number": gettext_lazy("Number"),
    "date": gettext_lazy("Date"),
    "postal_code": gettext_lazy("Postal code"),
    "address": gettext_lazy("Address"),
    "phone": gettext_lazy("Phone number"),
    "email": gettext_lazy("Email address"),
    "select": gettext_lazy("Drop-down list"),
    "radio": gettext_lazy("One choice (radio buttons)"),
    "checkbox": gettext_lazy("Several choices (check boxes)"),
    "yesno": gettext_lazy("Yes or no"),
    "file": gettext_lazy("File upload"),
}
CHOICE_TYPES = {"select", "radio", "checkbox"}
PREFILL_SOURCES = {
    "profile.full_name": gettext_lazy("Verified name"),
    "profile.full_name_kana": gettext_lazy("Name in kana"),
    "profile.address": gettext_lazy("Verified address"),
    "profile.postal_code": gettext_lazy("Postal code"),
    "profile.birth_date": gettext_lazy("Date of birth"),
    "profile.email": gettext_lazy("Email address"),
    "profile.phone": gettext_lazy("Phone number"),
}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KANA_RE = re.compile(r"^[\u30A0-\u30FF\u3040-\u309F\s\u3000・ー]+$")
POSTAL_RE = re.compile(r"^\d{3}-?\d{4}$")
PHONE_RE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")


class DefinitionError(ValueError):
    pass


# -- the definition itself --------------------------------------------------------------------------
@functools.cache
def _schema_validator():
    import jsonschema

    schema = json.loads((pathlib.Path(__file__).with_name("definition.schema.json")).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_shape(definition):
    """The JSON Schema (definition.schema.json): types, required keys, known field types, sizes. Raises
    DefinitionError naming where the first problem is. Cheap enough for every builder save."""
    import jsonschema

    try:
        error = jsonschema.exceptions.best_match(_schema_validator().iter_errors(definition))
    except RecursionError as exc:
        raise DefinitionError(_("The form definition is nested too deeply.")) from exc
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "/"
        raise DefinitionError(_("The form definition has a missing or wrong value at “%(where)s”.") % {"where": where[:120]})


def validate_definition(definition):
    """Raise DefinitionError with a readable reason when the definition is not usable: first its shape
    (the JSON Schema), then what a schema cannot say. Run before anything is saved, published or imported."""
    if not isinstance(definition, dict) or not isinstance(definition.get("steps"), list) or not definition["steps"]:
        raise DefinitionError(_("The form needs at least one step."))
    check_shape(definition)
    seen_steps, seen_fields = set(), {}
    for step in definition["steps"]:
        sid = step["id"]
        if sid in seen_steps:
            raise DefinitionError(_("Step identifier “%(id)s” is missing, repeated or not lower-case letters, digits and _.") % {"id": sid})
        seen_steps.add(sid)
        if not step["title"].get("ja"):
            raise DefinitionError(_("Step “%(id)s” needs a Japanese title.") % {"id": sid})
        repeat = step.get("repeat")
        if repeat is not None and not repeat.get("min", 0) <= repeat["max"]:
            raise DefinitionError(_("Step “%(id)s”: a repeatable group needs 0 ≤ min ≤ max ≤ 20.") % {"id": sid})
        if not step["fields"]:
            raise DefinitionError(_("Step “%(id)s” has no questions.") % {"id": sid})
        for field in step["fields"]:
            name = field["name"]
            if name in seen_fields or name in seen_steps:
                raise DefinitionError(_("Question identifier “%(name)s” is missing, repeated or not lower-case letters, digits and _.") % {"name": name})
            if not field["label"].get("ja"):
                raise DefinitionError(_("Question “%(name)s” needs a Japanese label.") % {"name": name})
            if field["type"] in CHOICE_TYPES and not field.get("options"):
                raise DefinitionError(_("Question “%(name)s” needs options.") % {"name": name})
            if "min" in field and "max" in field and field["min"] > field["max"]:
                raise DefinitionError(_("Question “%(name)s”: the smallest number is larger than the largest.") % {"name": name})
            prefill = field.get("prefill")
            if prefill and prefill not in PREFILL_SOURCES and not (prefill.startswith("answer.") and prefill[7:] in seen_fields):
                raise DefinitionError(_("Question “%(name)s” is prefilled from an unknown source.") % {"name": name})
            cond = field.get("show_if")
            if cond and cond["field"] not in seen_fields:
                raise DefinitionError(_("Question “%(name)s” depends on a question that does not come before it.") % {"name": name})
            seen_fields[name] = sid
    return definition


def steps(definition):
    return definition.get("steps", [])


def step_by_id(definition, step_id):
    return next((step for step in steps(definition) if step["id"] == step_id), None)


def all_fields(definition):
    for step in steps(definition):
        for field in step["fields"]:
            yield step, field


def flat_answers(answers):
    """Field name → value, for conditions and prefill (the first row of a repeatable group)."""
    flat = {}
    for value in (answers or {}).values():
        if isinstance(value, dict):
            flat.update(value)
        elif isinstance(value, list) and value:
            flat.update(value[0])
    return flat


def is_visible(field, flat):
    cond = field.get("show_if")
    if not cond:
        return True
    value = flat.get(cond["field"])
    expected = cond.get("equals")
    if isinstance(value, list):
        return expected in value
    return value == expected


# -- normalisers shared by form fields -----------------------------------------------------------------
def nfkc(value):
    return unicodedata.normalize("NFKC", value or "").strip()


def to_katakana(value):
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in value)


def validate_kana(value):
    if not KANA_RE.match(value):
        raise ValidationError(_("Enter the name in katakana, for example コウトウ ハナコ."), code="kana")


def wareki(day):
    """Japanese era year for a date: 令和8年 / 平成31年 / 昭和64年."""
    eras = [(datetime.date(2019, 5, 1), "令和"), (datetime.date(1989, 1, 8), "平成"), (datetime.date(1926, 12, 25), "昭和"), (datetime.date(1912, 7, 30), "大正")]
    for start, name in eras:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return ""


def format_date(day):
    if not day:
        return ""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    if (get_language() or "ja").startswith("ja"):
        return f"{day.year}年（{wareki(day)}）{day.month}月{day.day}日"
    return day.strftime("%-d %B %Y")


class KanaField(forms.CharField):
    def to_python(self, value):
        return to_katakana(nfkc(value))

    def validate(self, value):
        super().validate(value)
        if value:
            validate_kana(value)


class PostalCodeField(forms.CharField):
    def to_python(self, value):
        value = nfkc(value).replace("ー", "-").replace("−", "-")
        return value

    def validate(self, value):
        super().validate(value)
        if value and not POSTAL_RE.match(value):
            raise ValidationError(_("Enter a postal code like 135-8383."), code="postal")

    def clean(self, value):
        value = super().clean(value)
        if value and "-" not in value:
            value = value[:3] + "-" + value[3:]
        return value


class PhoneField(forms.CharField):
    def to_python(self, value):
        return nfkc(value).replace("ー", "-").replace("−", "-").replace(" ", "")

    def validate(self, value):
        super().validate(value)
        if value and (not PHONE_RE.match(value) or not 10 <= len(value.replace("-", "")) <= 11):
            raise ValidationError(_("Enter a phone number like 03-3647-9111 or 090-1234-5678."), code="phone")


class NormalizedCharField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value) if value else value


class WarekiDateField(forms.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = nfkc(value)
        return super().to_python(value)


def _messages(field):
    return {
        "required": _("Enter %(label)s.") % {"label": tr(field["label"])} if field["type"] not in CHOICE_TYPES | {"yesno", "file"}
        else _("Choose %(label)s.") % {"label": tr(field["label"])},
        "invalid": _("%(label)s is not valid.") % {"label": tr(field["label"])},
    }


def django_field(field, required=None):
    kind = field["type"]
    required = field.get("required", False) if required is None else required
    common = {"label": tr(field["label"]), "required": required, "help_text": tr(field.get("hint")) or ""}
    errors = _messages(field)
    if kind == "text" or kind == "address":
        return NormalizedCharField(max_length=field.get("max_length", 200), error_messages=errors, **common)
    if kind == "textarea":
        return NormalizedCharField(max_length=field.get("max_length", 2000), widget=forms.Textarea(attrs={"rows": 5}), error_messages=errors, **common)
    if kind == "kana":
        return KanaField(max_length=100, error_messages=errors, **common)
    if kind == "number":
        return forms.IntegerField(
            min_value=field.get("min"), max_value=field.get("max"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={**errors, "invalid": _("Enter a whole number.")}, localize=False, **common,
        )
    if kind == "date":
        return WarekiDateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={**errors, "invalid": _("Enter a real date, for example 2026-04-01.")}, **common)
    if kind == "postal_code":
        return PostalCodeField(max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"}), error_messages=errors, **common)
    if kind == "phone":
        return PhoneField(max_length=20, widget=forms.TextInput(attrs={"type": "tel"}), error_messages=errors, **common)
    if kind == "email":
        return forms.EmailField(error_messages={**errors, "invalid": _("Enter an email address like name@example.jp.")}, **common)
    choices = [(option["value"], tr(option["label"])) for option in field.get("options", [])]
    if kind == "select":
        return forms.ChoiceField(choices=[("", _("Choose"))] + choices, error_messages=errors, **common)
    if kind == "radio":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, error_messages=errors, **common)
    if kind == "checkbox":
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=errors, **common)
    if kind == "yesno":
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, error_messages=errors, **common)
    if kind == "file":
        return forms.FileField(error_messages={**errors, "required": _("Attach %(label)s.") % {"label": tr(field["label"])}}, **common)
    raise DefinitionError(kind)


class StepForm(SafeForm):
    """One step (or one row of a repeatable step). `flat` = answers so far, for conditions."""

    def __init__(self, step, *args, flat=None, existing_files=None, **kwargs):
        self.step = step
        self.flat = dict(flat or {})
        self.existing_files = existing_files or {}
        super().__init__(*args, **kwargs)
        own = {field["name"] for field in step["fields"]}
        for field in step["fields"]:
            if field.get("show_if") and field["show_if"]["field"] not in own:
                # The condition was answered on an earlier page: decide here, on the server.
                if not is_visible(field, self.flat):
                    continue
                field = {key: value for key, value in field.items() if key != "show_if"}
            required = field.get("required", False)
            if field["type"] == "file" and self.existing_files.get(field["name"]):
                required = False
            formfield = django_field(field, required=required)
            formfield.spec = field
            formfield.really_required = required
            if field.get("show_if"):
                formfield.widget.attrs["data-show-if"] = field["show_if"]["field"]
                formfield.widget.attrs["data-show-if-value"] = field["show_if"].get("equals", "")
            self.fields[field["name"]] = formfield

    def clean(self):
        data = super().clean()
        merged = {**self.flat, **{k: v for k, v in data.items() if v not in (None, "")}}
        for name, formfield in self.fields.items():
            spec = formfield.spec
            if not spec.get("show_if"):
                continue
            if not is_visible(spec, merged):
                # Hidden by its condition: neither required nor kept, whatever was typed.
                data[name] = None
                self._errors.pop(name, None)
        return data

    def answers(self):
        """Cleaned values as JSON (dates as ISO text); files are left to the caller."""
        result = {}
        for name, formfield in self.fields.items():
            if formfield.spec["type"] == "file":
                continue
            value = self.cleaned_data.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            if value in (None, "") and not is_visible(formfield.spec, {**self.flat, **self.cleaned_data}):
                continue
            result[name] = value
        return result


def initial_for(step, answers, profile=None):
    """Prefill: what the resident answered before, else the verified profile, else earlier answers."""
    saved = answers.get(step["id"]) if answers else None
    flat = flat_answers(answers)
    rows = saved if isinstance(saved, list) else [saved or {}]
    result = []
    for row in rows:
        initial = {}
        for field in step["fields"]:
            name = field["name"]
            if name in row:
                initial[name] = row[name]
                continue
            source = field.get("prefill", "")
            if source.startswith("profile.") and profile is not None:
                value = getattr(profile, source[8:], "")
                if isinstance(value, datetime.date):
                    value = value.isoformat()
                if value:
                    initial[name] = value
            elif source.startswith("answer.") and flat.get(source[7:]) not in (None, ""):
                initial[name] = flat[source[7:]]
        result.append(initial)
    return result


def display_value(field, value):
    """An answer as text for check-your-answers pages, receipts and the back office."""
    if value in (None, "", []):
        return ""
    kind = field["type"]
    if kind == "date":
        try:
            return format_date(value)
        except ValueError:
            return str(value)
    if kind in CHOICE_TYPES:
        labels = {option["value"]: tr(option["label"]) for option in field.get("options", [])}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, v) for v in values) if (get_language() or "ja").startswith("ja") else ", ".join(labels.get(v, v) for v in values)
    if kind == "yesno":
        return _("Yes") if value == "yes" else _("No")
    if kind == "file":
        items = value if isinstance(value, list) else [value]
        return ", ".join(item.get("name", "") for item in items if isinstance(item, dict))
    if kind == "number":
        return f"{value:,}" if isinstance(value, int) else str(value)
    return str(value)


def summary(definition, answers):
    """[(step, [rows of (field, text)])] for the visible answered questions, in form order."""
    flat = flat_answers(answers)
    result = []
    for step in steps(definition):
        saved = (answers or {}).get(step["id"])
        rows = saved if isinstance(saved, list) else [saved or {}]
        shown_rows = []
        for row in rows:
            shown = []
            for field in step["fields"]:
                if not is_visible(field, {**flat, **row}):
                    continue
                shown.append((field, display_value(field, row.get(field["name"]))))
            shown_rows.append(shown)
        result.append((step, shown_rows))
    return result


class StepPage:
    """The forms of one step page: one form, or one per row of a repeatable group (prefix r0-, r1-, …).

    Without JavaScript a repeatable group grows and shrinks by posting `action=add` / `action=remove-N`;
    those posts only re-render (no validation, nothing lost of what was typed).
    """

    def __init__(self, step, answers=None, profile=None, data=None, files=None, existing_files=None):
        self.step = step
        self.repeat = step.get("repeat")
        self.answers = answers or {}
        self.flat = flat_answers(self.answers)
        self.existing_files = existing_files or {}
        self.action = (data.get("action", "") if data is not None else "") or ""
        initials = initial_for(step, self.answers, profile)
        if not self.repeat:
            self.forms = [self._form(data, files, None, initials[0], self.existing_files.get(0))]
            return
        low, high = int(self.repeat.get("min", 0)), int(self.repeat.get("max", 10))
        if data is None:
            saved = self.answers.get(step["id"])
            count = len(saved) if isinstance(saved, list) and saved else max(low, 1)
            self.forms = [self._form(None, None, f"r{i}", initials[i] if i < len(initials) else {}, self.existing_files.get(i)) for i in range(count)]
            return
        try:
            count = max(0, min(int(data.get("rows", 1)), high))
        except (TypeError, ValueError):
            count = max(low, 1)
        if self.action == "add" or self.action.startswith("remove-"):
            rows = [self._raw_row(data, i) for i in range(count)]
            if self.action == "add" and count < high:
                rows.append({})
            elif self.action.startswith("remove-"):
                index = self.action[7:]
                if index.isdigit() and int(index) < len(rows) and len(rows) > low:
                    rows.pop(int(index))
            self.forms = [self._form(None, None, f"r{i}", row, None) for i, row in enumerate(rows)]
            return
        self.forms = [self._form(data, files, f"r{i}", {}, self.existing_files.get(i)) for i in range(count)]

    def _form(self, data, files, prefix, initial, existing):
        return StepForm(self.step, data, files, prefix=prefix, initial=initial, flat=self.flat, existing_files=existing or {})

    def _raw_row(self, data, index):
        row = {}
        for field in self.step["fields"]:
            key = f"r{index}-{field['name']}"
            row[field["name"]] = data.getlist(key) if field["type"] == "checkbox" else data.get(key, "")
        return row

    @property
    def rerender_only(self):
        return self.action == "add" or self.action.startswith("remove-")

    @property
    def can_add(self):
        return bool(self.repeat) and len(self.forms) < int(self.repeat.get("max", 10))

    @property
    def can_remove(self):
        return bool(self.repeat) and len(self.forms) > int(self.repeat.get("min", 0))

    def _row_is_empty(self, form):
        return not any(value not in (None, "", []) for key, value in form.data.items()
                       if key.startswith(form.prefix + "-")) and not any(key.startswith(form.prefix + "-") for key in form.files)

    def is_valid(self):
        if self.rerender_only:
            return False
        if self.repeat:
            low = int(self.repeat.get("min", 0))
            self.forms = [form for i, form in enumerate(self.forms) if i < low or not self._row_is_empty(form)]
        return all([form.is_valid() for form in self.forms])

    def cleaned_answers(self):
        rows = [form.answers() for form in self.forms]
        return rows if self.repeat else rows[0]

    def uploads(self):
        """[(row index or None, field name, uploaded file)] for the file questions answered on this page."""
        result = []
        for index, form in enumerate(self.forms):
            for name, formfield in form.fields.items():
                if formfield.spec["type"] == "file" and form.cleaned_data.get(name):
                    result.append((index if self.repeat else None, name, form.cleaned_data[name]))
        return result

    @property
    def has_files(self):
        return any(field["type"] == "file" for field in self.step["fields"])

    @property
    def errors(self):
        """A form-like object for {% error_summary %}: the first form with errors."""
        return next((form for form in self.forms if form.errors), None)
