"""Back-office forms for datasets and resources (SafeForm: no individual numbers in free text)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from smartkoto.core.forms import SafeForm
from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

from . import publisher
from .models import FORMATS, FREQUENCIES, LICENSES, THEMES, Dataset
from .schemas import registry


def max_upload_bytes():
    return getattr(settings, "OPENDATA_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)


class DatasetForm(SafeForm):
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    name = forms.SlugField(label=_("URL name"), max_length=100,
                           help_text=_("Half-width letters, digits and hyphens, e.g. aed-locations. Used in addresses and the API."))
    department_code = forms.ChoiceField(label=_("Department (publisher)"))
    notes_ja = forms.CharField(label=_("Description (Japanese)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    notes_en = forms.CharField(label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500, help_text=_("Separate tags with commas, e.g. AED, 防災"))
    themes = forms.MultipleChoiceField(label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple)
    license_id = forms.ChoiceField(label=_("Licence"), initial="cc-by-4.0")
    attribution = forms.CharField(label=_("Attribution users must show"), max_length=200, required=False)
    frequency = forms.ChoiceField(label=_("Update frequency"), choices=FREQUENCIES, initial="irregular")
    spatial = forms.CharField(label=_("Area covered"), max_length=200, required=False)
    temporal_start = forms.DateField(label=_("Period covered: from"), required=False, help_text=_("YYYY-MM-DD"))
    temporal_end = forms.DateField(label=_("Period covered: to"), required=False, help_text=_("YYYY-MM-DD"))
    contact_name = forms.CharField(label=_("Contact (section name)"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    standard_id = forms.ChoiceField(label=_("National standard dataset"), required=False)

    def __init__(self, *args, departments=None, instance=None, **kwargs):
        """`departments`: codes the actor may publish for (None: every department)."""
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["attribution"].initial = f"出典：{publisher.name('ja')}"
        self.fields["spatial"].initial = publisher.spatial()
        allowed = departments
        departments = list(municipality.departments())
        if allowed is not None:
            departments = [d for d in departments if d.code in allowed]
        self.fields["department_code"].choices = [(d.code, tr(d.name)) for d in departments]
        self.fields["themes"].choices = [(code, f"{ja} / {en}") for code, (ja, en, _eu) in THEMES.items()]
        self.fields["license_id"].choices = [(key, title) for key, (title, _url, _open) in LICENSES.items()]
        self.fields["standard_id"].choices = [("", _("None"))] + registry.choices()

    def clean_name(self):
        name = self.cleaned_data["name"].lower()
        clash = Dataset.objects.filter(name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another dataset already uses this URL name."))
        return name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("temporal_start"), cleaned.get("temporal_end")
        if start and end and end < start:
            self.add_error("temporal_end", _("The end of the period must not be before its start."))
        return cleaned

    def values(self):
        c = self.cleaned_data
        return {
            "name": c["name"], "title": {"ja": c["title_ja"], "en": c["title_en"]},
            "notes": {"ja": c["notes_ja"], "en": c["notes_en"]}, "department_code": c["department_code"],
            "tags": [t.strip() for t in c["tags"].replace("、", ",").split(",") if t.strip()],
            "themes": c["themes"], "license_id": c["license_id"], "attribution": c["attribution"],
            "frequency": c["frequency"], "spatial": c["spatial"], "temporal_start": c["temporal_start"],
            "temporal_end": c["temporal_end"], "contact_name": c["contact_name"], "contact_email": c["contact_email"],
            "standard_id": c["standard_id"],
        }

    @classmethod
    def initial_from(cls, ds):
        return {
            "name": ds.name, "title_ja": ds.title.get("ja", ""), "title_en": ds.title.get("en", ""),
            "notes_ja": (ds.notes or {}).get("ja", ""), "notes_en": (ds.notes or {}).get("en", ""),
            "department_code": ds.department_code, "tags": ", ".join(ds.tags), "themes": ds.themes,
            "license_id": ds.license_id, "attribution": ds.attribution, "frequency": ds.frequency, "spatial": ds.spatial,
            "temporal_start": ds.temporal_start, "temporal_end": ds.temporal_end, "contact_name": ds.contact_name,
            "contact_email": ds.contact_email, "standard_id": ds.standard_id,
        }


def check_upload(upload, fmt=""):
    """Size, and for an XLSX (a zip) its unpacked size and rows, before anything is stored."""
    if upload.size > max_upload_bytes():
        raise forms.ValidationError(_("The file is larger than %(mb)s MB. Split it or ask the DX office.")
                                    % {"mb": max_upload_bytes() // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(4)
    is_xlsx = str(fmt).upper() == "XLSX" or (upload.name or "").lower().endswith((".xlsx", ".xlsm"))
    if is_xlsx and head == b"PK\x03\x04":
        from . import messages, tabular

        upload.seek(0)
        problem = tabular.check_xlsx(upload.read())
        if problem is not None:
            code, params = problem
            raise forms.ValidationError(messages.describe({"code": code, "params": params}))
    upload.seek(0)
    return upload


class ResourceForm(SafeForm):
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f) for f in FORMATS], initial="CSV")
    schema_id = forms.ChoiceField(label=_("Standard layout to check against"), required=False,
                                  help_text=_("Choose the layout of the national standard dataset this file follows, if any."))
    file = forms.FileField(label=_("File"), required=False, help_text=_("CSV in UTF-8 or Shift_JIS, or XLSX. Leave empty for a link."))
    url = forms.URLField(label=_("Or a link to the resource"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schema_id"].choices = [("", _("None"))] + registry.choices()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return check_upload(upload, self.data.get("format", "")) if upload else upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("url") and not self.errors:
            self.add_error("file", _("Choose a file to upload, or give a link."))
        return cleaned


class UploadForm(SafeForm):
    file = forms.FileField(label=_("New version of the file"))

    def __init__(self, *args, fmt="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fmt = fmt

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], self.fmt)
