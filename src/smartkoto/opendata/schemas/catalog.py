"""The open-data list (オープンデータ一覧): a catalog of the catalog, in the standard layout."""

from .base import LEGACY_LEAD, layout, legacy_to_current
from .registry import register

P = [c + ("*" if c == "都道府県コード又は市区町村コード" else "") for c in LEGACY_LEAD]
OPEN_DATA_LIST = P + ["データ名称*", "データ概要", "データ形式*", "分類*", "更新頻度", "URL", "API対応有無", "ライセンス", "登録日",
                      "最終更新日*", "備考"]

register(
    layout("opendata_list", "legacy", "オープンデータ一覧", "Open data list", OPEN_DATA_LIST, theme="government"),
    layout("opendata_list", "current", "オープンデータ一覧", "Open data list", legacy_to_current(OPEN_DATA_LIST), theme="government"),
)
