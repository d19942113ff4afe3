"""Live datasets: the platform's own data, published as CSV snapshots.

`sources` is a registry of live sources: a source is a callable returning (header, rows), or None
while it has nothing to publish. A resource names its source in `Resource.live_source`;
`services.refresh_live(resource, actor=…)` stores a new version from it, which goes through the same
validation and datastore load as an upload.

The catalog's own sources are registered below from `OpendataConfig.ready()`: they read procedures
(a lower floor) and counters (a neighbour) through their `queries.py` only. Another app may add its
own source from its `ready()` with `live.sources.add("id", function)`; this module never imports it.
"""

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils.translation import override

from smartkoto.core import csvfile
from smartkoto.core.actor import Actor
from smartkoto.core.i18n import tr
from smartkoto.core.registry import Registry

from . import publisher

sources = Registry("live open-data source")


def available(source_id):
    return source_id in sources and sources.get(source_id)() is not None


def rows_for(source_id):
    return sources.get(source_id)() if source_id in sources else None


def as_csv(header, rows):
    """UTF-8 CSV bytes without a BOM (data for machines), written by the one CSV writer."""
    return csvfile.write(rows, header, bom=False).encode("utf-8")


def _place():
    """The leading columns of the older standard layouts: code, prefecture and municipality."""
    return [publisher.code(), publisher.prefecture(), publisher.name("ja")]


def opendata_list():
    """The catalog itself in the older オープンデータ一覧 layout."""
    from . import ckan, queries
    from .models import FREQUENCIES, THEMES

    frequency = dict(FREQUENCIES)
    code, prefecture, city = _place()
    header = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称", "データ概要", "データ形式", "分類",
              "更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"]
    rows = []
    for number, ds in enumerate(queries.published().order_by("name"), start=1):
        formats = ";".join(sorted({r.format for r in ds.resources.all()}))
        themes = ";".join(THEMES[t][0] for t in ds.themes if t in THEMES) or "行財政"
        rows.append([code, number, prefecture, city, tr(ds.title, "ja"), tr(ds.notes, "ja")[:200], formats or "CSV", themes,
                     str(frequency.get(ds.frequency, "")), ckan.site_url() + reverse("opendata:dataset", args=[ds.name]),
                     "有" if any(r.datastore_active for r in ds.resources.all()) else "無", ds.license_info()["title"],
                     ds.created.date().isoformat(), ds.modified.date().isoformat(), ""])
    return header, rows


def procedures():
    """The procedure catalog with online status, one row per published procedure (None while there is none)."""
    from smartkoto.procedures import queries as procedure_queries

    from .ckan import site_url

    items = list(procedure_queries.published().order_by("department__code", "slug"))
    if not items:
        return None
    code, prefecture, city = _place()
    header = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "手続名称", "手続名称_英語", "手続概要", "担当課",
              "手続方法", "オンライン対応有無", "法令によりオンライン化対象外", "手数料(円)", "標準処理日数", "URL", "最終更新日"]
    rows = []
    with override("ja"):
        for number, p in enumerate(items, start=1):
            try:
                url = site_url() + reverse("procedures:detail", args=[p.slug])
            except NoReverseMatch:
                url = ""
            rows.append([code, number, prefecture, city, tr(p.name, "ja"), tr(p.name, "en"), tr(p.summary, "ja")[:300],
                         tr(p.department.name, "ja"), str(p.get_channel_display()), "有" if p.is_online else "無",
                         "有" if p.law_keeps_offline else "無", p.fee_amount, p.processing_days, url,
                         p.updated_at.date().isoformat()])
    return header, rows


def counter_congestion():
    """Hourly counter congestion history for the last 90 days, from `counters.queries.congestion_history`
    (counts and minutes only, no personal data). None while there is no history."""
    from smartkoto.counters import queries as counter_queries

    end = counter_queries.today()
    rows = counter_queries.congestion_history(end - timedelta(days=90), end, actor=Actor.system("opendata.counter_congestion"))
    if not rows:
        return None
    fields = list(counter_queries.CONGESTION_HISTORY_FIELDS)
    return fields, [[row.get(name, "") for name in fields] for row in rows]


def register_own_sources():
    """Called once from `OpendataConfig.ready()`."""
    sources.add("opendata_list", opendata_list, label="Open data list")
    sources.add("procedures", procedures, label="Procedures and their online status")
    sources.add("counter_congestion", counter_congestion, label="Counter congestion history")
