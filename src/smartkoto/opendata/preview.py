"""Server-drawn previews: a bar chart and a point map as SVG data (no JavaScript needed).

The map draws points in Web Mercator; when `OPENDATA_MAP_TILES` names a tile URL template (default:
GSI 地理院タイル), the tiles covering the points are placed under them as SVG images. Without network
the tiles simply do not appear; the points, the title and the data table stay.
"""

import math

from django.conf import settings
from django.db.models import Count

from .datastore import column_expression
from .models import DatastoreRow

DEFAULT_TILES = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = "地理院タイル（国土地理院）"
LAT_NAMES = ("緯度", "latitude", "lat", "y")
LON_NAMES = ("経度", "longitude", "lon", "lng", "x")


def tiles_template():
    return getattr(settings, "OPENDATA_MAP_TILES", DEFAULT_TILES)


def coordinate_fields(fields):
    names = {f["id"].lower(): f["id"] for f in fields}
    lat = next((names[n] for n in LAT_NAMES if n in names), None)
    lon = next((names[n] for n in LON_NAMES if n in names), None)
    return (lat, lon) if lat and lon else (None, None)


def label_field(fields):
    for candidate in ("名称", "イベント名", "介護サービス事業所名称", "データ名称", "地域名", "name", "title"):
        if any(f["id"] == candidate for f in fields):
            return candidate
    return next((f["id"] for f in fields if f["type"] == "text"), None)


def _mercator(lat, lon, zoom):
    scale = 256 * 2 ** zoom
    x = (lon + 180) / 360 * scale
    siny = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * scale
    return x, y


def map_data(resource, limit=3000, width=640, height=480):
    lat_name, lon_name = coordinate_fields(resource.datastore_fields)
    if not lat_name:
        return None
    label = label_field(resource.datastore_fields)
    points = []
    rows = DatastoreRow.objects.filter(version_id=resource.datastore_version_id).order_by("row_number")
    for row in rows.only("row_number", "data")[:limit]:
        try:
            lat, lon = float(row.data.get(lat_name)), float(row.data.get(lon_name))
        except (TypeError, ValueError):
            continue
        points.append((lat, lon, str(row.data.get(label) or row.row_number)))
    return plot(points, width, height)


def geojson_points(data: bytes, limit=3000):
    """(points, property rows) of a GeoJSON file: Points as they are, other geometries by their first
    position. Returns ([], []) for anything that is not readable GeoJSON."""
    import json

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return [], []
    features = document.get("features", []) if isinstance(document, dict) else []
    points, properties = [], []
    for number, feature in enumerate(features[:limit], start=1):
        if not isinstance(feature, dict):
            continue
        props = feature.get("properties") or {}
        properties.append(props)
        coords = (feature.get("geometry") or {}).get("coordinates")
        while isinstance(coords, list) and coords and isinstance(coords[0], list):
            coords = coords[0]
        try:
            lon, lat = float(coords[0]), float(coords[1])
        except (TypeError, ValueError, IndexError):
            continue
        name = next((props.get(k) for k in ("名称", "name", "title") if props.get(k)), number)
        points.append((lat, lon, str(name)))
    return points, properties


def plot(points, width=640, height=480):
    points = [p for p in points if -85 < p[0] < 85 and -180 <= p[1] <= 180]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    zoom = 18
    while zoom > 2:
        x0, y0 = _mercator(max(lats), min(lons), zoom)
        x1, y1 = _mercator(min(lats), max(lons), zoom)
        if x1 - x0 <= width * 0.85 and y1 - y0 <= height * 0.85:
            break
        zoom -= 1
    x0, y0 = _mercator(max(lats), min(lons), zoom)
    x1, y1 = _mercator(min(lats), max(lons), zoom)
    left = (x0 + x1) / 2 - width / 2
    top = (y0 + y1) / 2 - height / 2
    marks = []
    for lat, lon, name in points:
        x, y = _mercator(lat, lon, zoom)
        marks.append({"x": round(x - left, 1), "y": round(y - top, 1), "label": name})
    # Background tiles are added by opendata.js only when they load, so an offline page or one without
    # JavaScript shows the plain point plot rather than broken images.
    template = tiles_template()
    return {"width": width, "height": height, "points": marks, "count": len(points), "tiles": template,
            "left": round(left, 1), "top": round(top, 1), "attribution": TILE_ATTRIBUTION if template == DEFAULT_TILES else "",
            "zoom": zoom}


def chart_columns(resource):
    return [f["id"] for f in resource.datastore_fields]


def chart_data(resource, column, limit=15, width=640):
    """Counts of the most frequent values of `column` (or sums when it is numeric and a label exists)."""
    fields = {f["id"]: f["type"] for f in resource.datastore_fields}
    if column not in fields:
        return None
    rows = DatastoreRow.objects.filter(version_id=resource.datastore_version_id)
    counted = (rows.annotate(v=column_expression(column)).values("v").annotate(n=Count("id")).order_by("-n")[:limit])
    import json

    bars = []
    for item in counted:
        value = item["v"]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        bars.append({"label": "—" if value in (None, "") else str(value), "value": item["n"]})
    if not bars:
        return None
    top = max(b["value"] for b in bars) or 1
    bar_height, gap, label_width = 24, 8, 200
    plot = width - label_width - 60
    for i, bar in enumerate(bars):
        bar["y"] = i * (bar_height + gap)
        bar["w"] = max(1, round(bar["value"] / top * plot))
        bar["text_y"] = bar["y"] + 17
        bar["value_x"] = label_width + bar["w"] + 6
        bar["short"] = bar["label"] if len(bar["label"]) <= 14 else bar["label"][:13] + "…"
    return {"bars": bars, "width": width, "height": len(bars) * (bar_height + gap), "label_width": label_width,
            "bar_height": bar_height, "column": column}


CHART_FIRST = ("所在地_町字", "種別", "分類", "実施サービス", "文化財分類", "区分", "利用可能曜日")
SKIP = {"全国地方公共団体コード", "都道府県コード又は市区町村コード", "NO", "ID", "都道府県名", "市区町村名", "地方公共団体名",
        "所在地_全国地方公共団体コード", "所在地_都道府県", "所在地_市区町村"}


def default_chart_column(resource, max_rows_checked=200_000):
    """The first column whose values fall into 2–30 groups (a chart of one bar says nothing)."""
    fields = [f["id"] for f in resource.datastore_fields if f["id"] not in SKIP]
    ordered = [c for c in CHART_FIRST if c in fields] + [c for c in fields if c not in CHART_FIRST]
    version = resource.datastore_version
    if version is not None and version.rows_total > max_rows_checked:
        return ordered[0] if ordered else None
    rows = DatastoreRow.objects.filter(version_id=resource.datastore_version_id)
    for column in ordered[:40]:
        groups = rows.annotate(v=column_expression(column)).values("v").distinct()[:31].count()
        if 2 <= groups <= 30:
            return column
    return ordered[0] if ordered else None
