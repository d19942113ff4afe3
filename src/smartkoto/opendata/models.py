"""Open data catalog (オープンデータカタログ): datasets, resources, file versions and the datastore.

An organisation is a municipality department (課); datasets store only its code.
Each upload is a new `ResourceFile` (version) with its checksum and validation report; the datastore
rows belong to one version, and the resource points at the version that is live. A new load fills rows
under its own version and switches the pointer only when it has finished, so a failed load leaves the
previous version live and a half-loaded version is never visible.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartkoto.core.i18n import tr

LICENSES = {
    "cc-by-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/", True),
    "cc0-1.0": ("Creative Commons CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/", True),
    "pdl-1.0": ("公共データ利用規約 (第1.0版) PDL1.0", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", True),
    "other-closed": ("Other (not open)", "", False),
}

FREQUENCIES = [
    ("irregular", _("Irregularly")), ("daily", _("Daily")), ("weekly", _("Weekly")), ("monthly", _("Monthly")),
    ("quarterly", _("Quarterly")), ("annual", _("Annually")), ("continuous", _("Continuously (live)")),
]
# ISO 8601 repeating durations for DCAT-US and Dublin Core frequency URIs for DCAT-AP.
FREQUENCY_ISO = {"daily": "R/P1D", "weekly": "R/P1W", "monthly": "R/P1M", "quarterly": "R/P3M", "annual": "R/P1Y",
                 "continuous": "R/PT1S", "irregular": "irregular"}
FREQUENCY_EU = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "annual": "ANNUAL",
                "continuous": "CONT", "irregular": "IRREG"}

THEMES = {
    # code: (ja, en, EU data theme)
    "government": ("行財政", "Government and public sector", "GOVE"),
    "population": ("人口・世帯", "Population", "SOCI"),
    "welfare": ("福祉・子育て", "Welfare and child-rearing", "HEAL"),
    "health": ("健康・医療", "Health", "HEAL"),
    "safety": ("防災・安全", "Safety and disaster prevention", "JUST"),
    "facilities": ("施設", "Public facilities", "REGI"),
    "culture": ("文化・観光", "Culture and tourism", "EDUC"),
    "environment": ("環境", "Environment", "ENVI"),
    "events": ("イベント", "Events", "EDUC"),
}

FORMATS = ["CSV", "XLSX", "JSON", "GeoJSON", "PDF", "HTML"]
TABULAR_FORMATS = {"CSV", "XLSX"}


class Dataset(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "active", _("Published")
        WITHDRAWN = "deleted", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("URL name"), max_length=100, unique=True)
    title = models.JSONField(_("title"))
    notes = models.JSONField(_("description"), default=dict, blank=True)
    department_code = models.SlugField(_("department"), max_length=32, db_index=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    license_id = models.CharField(_("licence"), max_length=40, default="cc-by-4.0")
    attribution = models.CharField(_("attribution"), max_length=200, blank=True)
    frequency = models.CharField(_("update frequency"), max_length=20, choices=FREQUENCIES, default="irregular")
    spatial = models.CharField(_("spatial coverage"), max_length=200, blank=True)
    temporal_start = models.DateField(_("period from"), null=True, blank=True)
    temporal_end = models.DateField(_("period to"), null=True, blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    standard_id = models.CharField(_("national standard dataset"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    search_text = models.TextField(editable=False, default="")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return tr(self.title)

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    def license_info(self):
        title, url, is_open = LICENSES.get(self.license_id, (self.license_id, "", False))
        return {"id": self.license_id, "title": title, "url": url, "open": is_open}


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.JSONField(_("name"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=20, default="CSV")
    url = models.URLField(_("link"), max_length=500, blank=True, help_text=_("Only for resources published elsewhere."))
    schema_id = models.CharField(_("standard layout"), max_length=60, blank=True)
    live_source = models.CharField(max_length=60, blank=True, help_text="id of a live provider (opendata/live.py)")
    position = models.PositiveIntegerField(default=0)
    current = models.ForeignKey("ResourceFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    datastore_version = models.ForeignKey("ResourceFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    datastore_fields = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset", "position", "created"]

    def __str__(self):
        return tr(self.name)

    @property
    def datastore_active(self):
        return self.datastore_version_id is not None


def _upload_to(instance, filename):
    return f"opendata/{instance.resource_id}/{uuid.uuid4().hex}-{filename[-80:]}"


class ResourceFile(models.Model):
    """One uploaded version of a resource, with what validation and loading found."""

    class Load(models.TextChoices):
        NONE = "none", _("Not tabular")
        QUEUED = "queued", _("Waiting to load")
        LOADING = "loading", _("Loading")
        LOADED = "loaded", _("Loaded")
        FAILED = "failed", _("Load failed")
        REJECTED = "rejected", _("Rejected: the file cannot be read")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_upload_to, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    media_type = models.CharField(max_length=100, default="text/csv")
    encoding = models.CharField(max_length=20, blank=True)
    schema_id = models.CharField(max_length=60, blank=True)
    report = models.JSONField(default=dict, blank=True)
    load_state = models.CharField(max_length=10, choices=Load.choices, default=Load.NONE)
    rows_total = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    load_error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-version"]
        constraints = [models.UniqueConstraint(fields=["resource", "version"], name="opendata_one_number_per_version")]

    @property
    def progress_percent(self):
        if not self.rows_total:
            return 100 if self.load_state == self.Load.LOADED else 0
        return int(self.rows_loaded * 100 / self.rows_total)


class DatastoreRow(models.Model):
    """One row of a loaded tabular version. `data` maps column id → typed value."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(ResourceFile, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField()
    data = models.JSONField()
    search_text = models.TextField(default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "row_number"], name="opendata_row_unique")]
