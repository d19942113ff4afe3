"""Event list (イベント一覧)."""

from .base import LEGACY_LEAD, layout, legacy_to_current
from .registry import register

P = [c + ("*" if c == "都道府県コード又は市区町村コード" else "") for c in LEGACY_LEAD]
EVENTS = P + ["イベント名*", "イベント名_カナ*", "イベント名_英語", "開始日*", "終了日*", "開始時間*", "終了時間*", "開始日時特記事項",
              "説明*", "料金(基本)", "料金(詳細)", "連絡先名称", "連絡先電話番号", "連絡先内線番号", "主催者", "場所名称*", "住所*", "方書",
              "緯度", "経度", "アクセス方法", "駐車場情報", "定員", "参加申込終了日", "参加申込終了時間", "参加申込方法", "URL", "備考"]

register(
    layout("event", "legacy", "イベント一覧", "Events", EVENTS, theme="events"),
    layout("event", "current", "イベント一覧", "Events", legacy_to_current(EVENTS), theme="events"),
)
