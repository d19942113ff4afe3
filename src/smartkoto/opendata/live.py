"""Live datasets: the platform's own data, published as CSV snapshots.

A provider returns (header, rows) or None when its source app does not exist yet. `refresh(resource)`
stores a new version of the resource from the provider, which goes through the same validation and
datastore load as an upload. Providers read other apps only through their `queries.py`.
"""

import csv
import io

from django.utils import timezone

from smartkoto.core.i18n import tr

_providers = {}


def provider(name):
    def register(fn):
        _providers[name] = fn
        return fn

    return register


def available(name):
    fn = _providers.get(name)
    return fn is not None and fn() is not None


def rows_for(name):
    fn = _providers.get(name)
    return fn() if fn else None


def refresh(resource, *, user=None, request=None, run_now=False):
    """A new version of a live resource from its provider. Returns the version or None."""
    from . import services

    produced = rows_for(resource.live_source)
    if produced is None:
        return None
    header, rows = produced
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return services.upload(resource, f"{resource.live_source}.csv", buffer.getvalue().encode("utf-8"),
                           user=user, request=request, run_now=run_now)


@provider("opendata_list")
def opendata_list():
    """The catalog itself in the older オープンデータ一覧 layout."""
    from . import queries
    from .models import FREQUENCIES, THEMES

    frequency = dict(FREQUENCIES)
    header = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称", "データ概要", "データ形式", "分類",
              "更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"]
    rows = []
    for number, ds in enumerate(queries.published().order_by("name"), start=1):
        from .ckan import site_url
        from django.urls import reverse

        formats = ";".join(sorted({r.format for r in ds.resources.all()}))
        themes = ";".join(THEMES[t][0] for t in ds.themes if t in THEMES) or "行財政"
        rows.append(["131083", number, "東京都", "江東区", tr(ds.title, "ja"), tr(ds.notes, "ja")[:200], formats or "CSV", themes,
                     str(frequency.get(ds.frequency, "")), site_url() + reverse("opendata:dataset", args=[ds.name]),
                     "有" if any(r.datastore_active for r in ds.resources.all()) else "無", ds.license_info()["title"],
                     ds.created.date().isoformat(), ds.modified.date().isoformat(), ""])
    return header, rows


@provider("procedures")
def procedures():
    """The procedure catalog with online status, in the style of the オープンデータ一覧 (one row per
    procedure). Prefers `smartkoto.procedures.queries.open_data_rows()` when that app offers it; otherwise
    reads `queries.published()` (the public catalog, through the app's query module only)."""
    try:
        from smartkoto.procedures import queries as procedure_queries
    except ImportError:
        return None
    if hasattr(procedure_queries, "open_data_rows"):
        return procedure_queries.open_data_rows()
    if not hasattr(procedure_queries, "published"):
        return None
    from django.urls import NoReverseMatch, reverse
    from django.utils.translation import override

    from .ckan import site_url

    items = list(procedure_queries.published().order_by("department__code", "slug"))
    if not items:
        return None
    header = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "手続名称", "手続名称_英語", "手続概要", "担当課",
              "手続方法", "オンライン対応有無", "法令によりオンライン化対象外", "手数料(円)", "標準処理日数", "URL", "最終更新日"]
    rows = []
    with override("ja"):
        for number, p in enumerate(items, start=1):
            try:
                url = site_url() + reverse("procedures:detail", args=[p.slug])
            except NoReverseMatch:
                url = ""
            rows.append(["131083", number, "東京都", "江東区", tr(p.name, "ja"), tr(p.name, "en"), tr(p.summary, "ja")[:300],
                         tr(p.department.name, "ja"), str(p.get_channel_display()), "有" if p.is_online else "無",
                         "有" if p.law_keeps_offline else "無", p.fee_amount, p.processing_days, url,
                         p.updated_at.date().isoformat()])
    return header, rows


@provider("counter_congestion")
def counter_congestion():
    """Hourly counter congestion history for the last 90 days, from `smartkoto.counters.queries`
    (`congestion_history(start, end)` with `CONGESTION_HISTORY_FIELDS`: counts and minutes only, no
    personal data). None while the counters app has no history."""
    try:
        from smartkoto.counters import queries as counter_queries
    except ImportError:
        return None
    if hasattr(counter_queries, "open_data_rows"):
        return counter_queries.open_data_rows()
    history = getattr(counter_queries, "congestion_history", None)
    fields = getattr(counter_queries, "CONGESTION_HISTORY_FIELDS", None)
    if history is None or not fields:
        return None
    from datetime import timedelta

    from smartkoto.core.actor import Actor

    end = counter_queries.today() if hasattr(counter_queries, "today") else timezone.localdate()
    rows = history(end - timedelta(days=90), end, actor=Actor.system("opendata.counter_congestion"))
    if not rows:
        return None
    return list(fields), [[row.get(name, "") for name in fields] for row in rows]
