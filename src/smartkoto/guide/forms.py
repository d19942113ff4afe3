import re

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkoto.core.fields import TranslatedTextField, TranslatedTextWidget
from smartkoto.core.forms import SafeForm
from smartkoto.lifeevents import queries as lifeevents
from smartkoto.procedures import queries as procedures

from .models import Entry

KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_LINKS = 3


class TranslatedAreaWidget(TranslatedTextWidget):
    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [forms.Textarea(attrs={**(attrs or {}), "lang": code, "rows": 4})
                                          for code in ("ja", "en", "ja-easy")], attrs)


class AskForm(forms.Form):
    """The guide's question box (GET): what was typed is kept and shown again."""

    q = forms.CharField(label=_("Your question"), max_length=200, required=True,
                        error_messages={"required": _("Enter your question."),
                                        "max_length": _("Write your question in 200 characters or fewer.")})

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("The question contains a character that cannot be used."), code="nul")
        return value


class EntryForm(SafeForm):
    key = forms.CharField(label=_("Key"), max_length=80,
                          help_text=_("Lower-case letters, digits and hyphens, starting with the department code, e.g. seiso-sodai-gomi."))
    department = forms.ChoiceField(label=_("Department"))
    question = TranslatedTextField(label=_("Question"), max_length=300)
    answer = TranslatedTextField(label=_("Answer"), max_length=2000, widget=TranslatedAreaWidget)
    keywords = forms.CharField(label=_("Keywords"), max_length=500, required=False,
                               help_text=_("Other words residents use, separated by commas (、 or ,)."))
    links = forms.CharField(label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Up to three, one per line: procedure:SLUG, lifeevent:CODE, or a web address starting with https:// followed by its title."))
    review_by = forms.DateField(label=_("Review by"), required=False, help_text=_("Year-month-day, e.g. 2027-04-01."),
                                widget=forms.DateInput(attrs={"type": "date"}))
    published = forms.BooleanField(label=_("Published (residents get this answer)"), required=False, initial=True)

    def __init__(self, *args, departments=(), entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["department"].choices = [("", _("Choose a department"))] + [(d.code, str(d)) for d in departments]
        self.fields["department"].error_messages["invalid_choice"] = _("Choose one of your departments.")
        if entry is not None:
            self.fields["key"].disabled = True

    @classmethod
    def initial_for(cls, entry):
        return {"key": entry.key, "department": entry.department_code, "question": entry.question, "answer": entry.answer,
                "keywords": "、".join(entry.keywords or []), "links": "\n".join(link_line(link) for link in entry.links or []),
                "review_by": entry.review_by, "published": entry.published}

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if self.entry is not None:
            return self.entry.key
        if not KEY.fullmatch(key):
            raise forms.ValidationError(_("Use lower-case letters, digits and single hyphens only."), code="format")
        if Entry.objects.filter(key=key).exists():
            raise forms.ValidationError(_("An entry with this key exists already."), code="taken")
        return key

    def clean_keywords(self):
        return [word.strip() for word in re.split(r"[、,，\n]", self.cleaned_data["keywords"]) if word.strip()]

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(_("Give at most three links."), code="too_many")
        links = []
        for line in lines:
            kind, _sep, rest = line.partition(":")
            if kind == "procedure" and procedures.get(rest.strip()) is not None:
                links.append({"procedure": rest.strip()})
            elif kind == "lifeevent" and lifeevents.get(rest.strip()) is not None:
                links.append({"lifeevent": rest.strip()})
            elif kind == "https" and " " in line:
                url, title = line.split(" ", 1)
                links.append({"url": url, "label": {"ja": title.strip(), "en": title.strip()}})
            else:
                raise forms.ValidationError(_("“%(line)s” is not a known procedure, life event or https:// address with a title."),
                                            code="link", params={"line": line[:80]})
        return links

    def clean(self):
        data = super().clean()
        key, department = data.get("key"), data.get("department")
        if self.entry is None and key and department and not (key == department or key.startswith(department + "-")):
            self.add_error("key", forms.ValidationError(_("The key must start with the department code “%(code)s-”."),
                                                        code="prefix", params={"code": department}))
        return data


def link_line(link):
    if link.get("procedure"):
        return f"procedure:{link['procedure']}"
    if link.get("lifeevent"):
        return f"lifeevent:{link['lifeevent']}"
    label = link.get("label") or {}
    return f"{link.get('url', '')} {label.get('ja') or label.get('en') or ''}".strip()
