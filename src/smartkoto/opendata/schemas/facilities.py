"""Facility-type layouts: public facilities, AED, public toilets, childcare, care providers, cultural
assets and tourist spots. Column lists from ../shared/design/standard-datasets.md (◎/* = required)."""

from .base import CURRENT_ADDRESS, CURRENT_LEAD, LEGACY_LEAD, layout, legacy_to_current
from .registry import register

P = [c + ("*" if c == "都道府県コード又は市区町村コード" else "") for c in LEGACY_LEAD]

PUBLIC_FACILITY = P + ["名称*", "名称_カナ*", "名称_通称", "POIコード", "住所*", "方書", "緯度", "経度", "電話番号", "内線番号",
                       "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "説明", "バリアフリー情報",
                       "URL", "備考"]
CULTURAL = P + ["名称*", "名称_カナ*", "名称_通称", "名称_英語", "文化財分類*", "種類", "場所名称", "住所", "方書", "緯度", "経度",
                "電話番号", "内線番号", "員数（数）", "員数（単位）", "法人番号", "所有者等", "文化財指定日", "利用可能曜日", "開始時間",
                "終了時間", "利用可能日時特記事項", "画像", "画像_ライセンス", "概要", "概要_英語", "説明", "説明_英語", "URL", "備考"]
TOURISM = P + ["名称*", "名称_カナ*", "名称_英語", "POIコード", "住所*", "方書", "緯度", "経度", "利用可能曜日", "開始時間", "終了時間",
               "利用可能日時特記事項", "料金(基本)", "料金(詳細)", "説明*", "説明_英語", "アクセス方法", "駐車場情報", "バリアフリー情報",
               "連絡先名称", "連絡先電話番号", "連絡先内線番号", "画像", "画像_ライセンス", "URL", "備考"]
TOURISM_CURRENT = ["全国地方公共団体コード*", "法人番号", "ID*", "地方公共団体名"] + [
    c for c in legacy_to_current(TOURISM) if c.rstrip("*") not in ("全国地方公共団体コード", "ID", "地方公共団体名")]
CHILDCARE = P + ["名称*", "名称_カナ*", "種別", "住所*", "方書", "緯度", "経度", "アクセス方法", "駐車場情報", "電話番号", "内線番号",
                 "FAX番号", "法人番号", "団体名", "認可等年月日", "収容定員", "受入年齢", "利用可能曜日", "開始時間", "終了時間",
                 "利用可能日時特記事項", "一時預かりの有無", "URL", "備考"]
CARE = P + ["介護サービス事業所名称*", "介護サービス事業所名称_カナ*", "実施サービス*", "住所*", "方書", "緯度", "経度", "電話番号*",
            "内線番号", "FAX番号", "法人番号", "法人の名称", "事業所番号", "利用可能曜日", "利用可能曜日特記事項", "定員", "URL", "備考"]

# AED: the current layout is a real ward's 39-column header; the older one is the same content in the older frame.
AED_CURRENT = ["全国地方公共団体コード*", "ID*", "地方公共団体名", "名称*", "名称_カナ", "名称_英字"] + [
    c + ("*" if c == "所在地_連結表記" else "") for c in CURRENT_ADDRESS] + [
    "緯度", "経度", "高度の種別", "高度の値", "設置位置*", "電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL",
    "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
    "利用可能日時特記事項", "小児対応設備の有無", "URL", "画像1", "画像1_ライセンス", "画像2", "画像2_ライセンス", "外部利用不可", "備考"]
AED_LEGACY = P + ["名称*", "名称_カナ", "名称_英語", "住所*", "方書", "緯度", "経度", "設置位置*", "電話番号", "内線番号", "法人番号",
                  "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "小児対応設備の有無", "URL", "画像",
                  "画像_ライセンス", "備考"]

_COUNTS = ["男性トイレ総数", "男性トイレ数（小便器）", "男性トイレ数（和式）", "男性トイレ数（洋式）", "女性トイレ総数",
           "女性トイレ数（和式）", "女性トイレ数（洋式）", "男女共用トイレ総数", "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）"]
_TOILET_TAIL = ["車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無", "オストメイト設置トイレ有無", "利用開始時間", "利用終了時間",
                "利用可能時間特記事項", "画像", "画像_ライセンス", "備考"]
TOILET_CURRENT = (CURRENT_LEAD + ["名称◎", "名称_カナ", "名称_英語"] + [c + ("◎" if c == "所在地_連結表記" else "") for c in CURRENT_ADDRESS]
                  + ["設置位置◎", "緯度", "経度", "高度の種別", "高度の値"] + _COUNTS + ["バリアフリートイレ数"] + _TOILET_TAIL)
TOILET_LEGACY = P + ["名称*", "名称_カナ", "名称_英語", "住所*", "方書", "設置位置*", "緯度", "経度"] + _COUNTS + ["多機能トイレ数"] + _TOILET_TAIL

register(
    layout("public_facility", "legacy", "公共施設一覧", "Public facilities", PUBLIC_FACILITY),
    layout("public_facility", "current", "公共施設一覧", "Public facilities", legacy_to_current(PUBLIC_FACILITY)),
    layout("cultural_property", "legacy", "文化財一覧", "Cultural properties", CULTURAL, theme="culture"),
    layout("cultural_property", "current", "文化財一覧", "Cultural properties", legacy_to_current(CULTURAL), theme="culture"),
    layout("tourism", "legacy", "観光施設一覧", "Tourist spots", TOURISM, theme="culture"),
    layout("tourism", "current", "観光施設一覧", "Tourist spots", TOURISM_CURRENT, theme="culture"),
    layout("childcare", "legacy", "子育て施設一覧", "Childcare facilities", CHILDCARE, theme="welfare"),
    layout("childcare", "current", "子育て施設一覧", "Childcare facilities", legacy_to_current(CHILDCARE), theme="welfare"),
    layout("care_service", "legacy", "介護サービス事業所一覧", "Long-term care providers", CARE, theme="welfare"),
    layout("care_service", "current", "介護サービス事業所一覧", "Long-term care providers", legacy_to_current(CARE), theme="welfare"),
    layout("aed", "legacy", "AED設置箇所一覧", "AED locations", AED_LEGACY, renames={"名称_英語": "名称_英字"}, theme="safety"),
    layout("aed", "current", "AED設置箇所一覧", "AED locations", AED_CURRENT, theme="safety"),
    layout("public_toilet", "legacy", "公衆トイレ一覧", "Public toilets", TOILET_LEGACY,
           renames={"多機能トイレ数": "バリアフリートイレ数"}),
    layout("public_toilet", "current", "公衆トイレ一覧", "Public toilets", TOILET_CURRENT),
)
