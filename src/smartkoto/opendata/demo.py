"""The Koto demo catalog: real Koto City files (CC BY 4.0, copied into demo_data/ with SOURCE.md) and
the platform's own live datasets. Safe to run again: existing datasets are left as they are."""

from pathlib import Path

from smartkoto.core.actor import Actor
from smartkoto.core.i18n import both

from . import live, services
from .models import Dataset

DATA = Path(__file__).resolve().parent / "demo_data"
ATTRIBUTION = "出典：江東区（東京都オープンデータカタログサイト）"

DATASETS = [
    # name, department, title ja, title en, notes ja, notes en, tags, themes, standard, frequency, resources
    ("aed-locations", "seikatsu-eisei", "AED設置箇所一覧", "AED locations",
     "区内の公共施設などに設置しているAED（自動体外式除細動器）の場所です。", "Where automated external defibrillators (AEDs) are installed in the ward's facilities.",
     ["AED", "防災", "救命"], ["safety", "health"], "aed:current", "annual",
     [("koto_131083_aed_standard.csv", "AED設置箇所一覧（CSV）", "AED locations (CSV)", "aed:current")]),
    ("public-toilets", "koen", "公衆トイレ一覧", "Public toilets",
     "区が管理する公衆トイレの場所と設備です。", "Location and facilities of the public toilets the ward manages.",
     ["トイレ", "バリアフリー"], ["facilities"], "public_toilet:current", "annual",
     [("koto_131083_public_toilet_standard.csv", "公衆トイレ一覧（現行標準）", "Public toilets (current standard)", "public_toilet:current"),
      ("koto_131083_public_toilet_legacy.csv", "公衆トイレ一覧（旧推奨形式）", "Public toilets (older layout)", "public_toilet:legacy")]),
    ("parks", "koen", "公共施設一覧（公園）", "Public facilities: parks",
     "区立公園の一覧です（推奨データセットの旧形式）。", "The ward's parks (older recommended layout).",
     ["公園", "施設"], ["facilities"], "public_facility:legacy", "annual",
     [("koto_131083_public_facility_17_parks_legacy.csv", "公園一覧", "Parks", "public_facility:legacy")]),
    ("libraries", "dx", "公共施設一覧（図書館）", "Public facilities: libraries",
     "区立図書館の一覧です。", "The ward's public libraries.", ["図書館", "施設"], ["facilities", "culture"], "public_facility:legacy", "annual",
     [("koto_131083_public_facility_25_libraries_legacy.csv", "図書館一覧", "Libraries", "public_facility:legacy")]),
    ("childrens-clubhouses", "kosodate", "公共施設一覧（児童館）", "Public facilities: children's centres",
     "区立児童館の一覧です。", "The ward's children's centres (児童館).", ["児童館", "子育て", "施設"], ["welfare", "facilities"],
     "public_facility:legacy", "annual",
     [("koto_131083_public_facility_9_childrensclubhouses_legacy.csv", "児童館一覧", "Children's centres", "public_facility:legacy")]),
    ("nurseries", "hoiku", "公共施設一覧（区立保育園）", "Public facilities: ward nurseries",
     "区立保育園の一覧です。このファイルの団体コードは旧5桁形式（13108）のため、検証レポートで指摘されます。",
     "The ward's nurseries. This file uses the old 5-digit code (13108), which the validation report flags.",
     ["保育園", "子育て", "施設"], ["welfare", "facilities"], "public_facility:legacy", "annual",
     [("koto_131083_public_facility_10_nurseries_legacy.csv", "区立保育園一覧", "Ward nurseries", "public_facility:legacy")]),
    ("waste-collection-towns", "seiso", "町名別ごみ収集曜日", "Waste collection days by town",
     "町名ごとの資源・ごみの収集曜日です。", "Collection days for recyclables and waste, by town.", ["ごみ", "収集日"], ["environment"], "",
     "annual", [("koto_131083_waste_collection_towns.csv", "町名別収集曜日", "Collection days by town", "")]),
]

LIVE = [
    ("procedures-online", "dx", "手続一覧（オンライン対応状況）", "Procedures and their online status",
     "区の手続と、オンラインでできるかどうかの一覧です（自動更新）。", "The ward's procedures and whether each can be done online (updated automatically).",
     ["手続", "オンライン申請"], ["government"], "", "procedures", ""),
    ("counter-congestion", "kumin", "窓口混雑状況の履歴", "Counter congestion history",
     "区役所窓口の時間帯別の待ち人数の履歴です（自動更新）。", "Hourly waiting numbers at the ward office counters (updated automatically).",
     ["窓口", "混雑"], ["government"], "", "counter_congestion", ""),
    ("opendata-list", "dx", "オープンデータ一覧", "Open data list", "このカタログに掲載しているデータの一覧です（自動更新）。",
     "The datasets in this catalog (updated automatically).", ["オープンデータ"], ["government"], "opendata_list:legacy",
     "opendata_list", "opendata_list:legacy"),  # last, so the list includes the live datasets above
]


def _dataset(actor, name, department, title_ja, title_en, notes_ja, notes_en, tags, themes, standard, frequency):
    return services.save_dataset({
        "name": name, "title": both(title_ja, title_en), "notes": both(notes_ja, notes_en), "department_code": department,
        "tags": tags, "themes": themes, "license_id": "cc-by-4.0", "attribution": ATTRIBUTION, "frequency": frequency,
        "spatial": "東京都江東区", "contact_name": "江東区", "contact_email": "", "standard_id": standard,
    }, actor=actor)


def load():
    """Create the demo catalog from the Koto files beside this module. Existing datasets are kept."""
    actor = Actor.system("opendata demo")
    for name, dept, tja, ten, nja, nen, tags, themes, standard, frequency, files in DATASETS:
        if Dataset.objects.filter(name=name).exists():
            continue
        ds = _dataset(actor, name, dept, tja, ten, nja, nen, tags, themes, standard, frequency)
        for filename, rja, ren, schema_id in files:
            resource = services.save_resource(ds, {"name": both(rja, ren), "format": "CSV", "schema_id": schema_id}, actor=actor)
            services.upload(resource, filename, (DATA / filename).read_bytes(), actor=actor, run_now=True)
        services.set_state(ds, Dataset.State.PUBLISHED, actor=actor)
    for name, dept, tja, ten, nja, nen, tags, themes, standard, source, schema_id in LIVE:
        if Dataset.objects.filter(name=name).exists() or not live.available(source):
            continue  # a live dataset appears once its source has something to publish
        ds = _dataset(actor, name, dept, tja, ten, nja, nen, tags, themes, standard, "continuous")
        resource = services.save_resource(ds, {"name": both(tja, ten), "format": "CSV", "schema_id": schema_id, "live_source": source},
                                          actor=actor)
        services.set_state(ds, Dataset.State.PUBLISHED, actor=actor)
        services.refresh_live(resource, actor=actor, run_now=True)
