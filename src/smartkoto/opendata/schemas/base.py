"""The plug-in contract for dataset layouts: a `Schema` is a named list of `Column`s, each with a type
whose checker returns a problem code (or None) and whose normaliser returns the standard form.

Column types: lgcode, id, text, lat, lon, time, date, yesno, weekdays, phone, postal, url, int,
number, corpnum, email.
"""

import re
import unicodedata
from dataclasses import dataclass, field

CURRENT, LEGACY = "current", "legacy"

# The four leading columns of the older 推奨データセット and the three of the current layout.
LEGACY_LEAD = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名"]
CURRENT_LEAD = ["全国地方公共団体コード", "ID", "地方公共団体名"]
LEGACY_ADDRESS = ["住所", "方書"]
CURRENT_ADDRESS = ["所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村",
                   "所在地_町字", "所在地_番地以下", "建物名等(方書)"]
CURRENT_CONTACT = ["連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False

    @property
    def datastore_type(self):
        return {"lat": "numeric", "lon": "numeric", "number": "numeric", "int": "int"}.get(self.type, "text")


@dataclass
class Schema:
    family: str
    generation: str
    title: dict
    columns: list
    renames: dict = field(default_factory=dict)  # legacy name -> current name, used by conversion
    theme: str = "facilities"

    @property
    def id(self):
        return f"{self.family}:{self.generation}"

    @property
    def column_names(self):
        return [c.name for c in self.columns]

    def column(self, name):
        return next((c for c in self.columns if c.name == name), None)


# -- types -----------------------------------------------------------------------------------------
_TYPE_BY_NAME = [
    (re.compile(r"(全国地方公共団体コード|都道府県コード又は市区町村コード)$"), "lgcode"),
    (re.compile(r"^(ID|NO)$"), "id"),
    (re.compile(r"^緯度$"), "lat"),
    (re.compile(r"^経度$"), "lon"),
    (re.compile(r"(開始時間|終了時間|申込終了時間)$"), "time"),
    (re.compile(r"(開始日|終了日|指定日|年月日|登録日|最終更新日|確認日)$"), "date"),
    (re.compile(r"(有無)$"), "yesno"),
    (re.compile(r"^利用可能曜日$"), "weekdays"),
    (re.compile(r"(電話番号|FAX番号)$"), "phone"),
    (re.compile(r"^郵便番号$"), "postal"),
    (re.compile(r"(URL|FormURL)$"), "url"),
    (re.compile(r"^法人番号$"), "corpnum"),
    (re.compile(r"メールアドレス$"), "email"),
    (re.compile(r"(トイレ総数|トイレ数|トイレ数（.*）|総人口|^男性$|^女性$|歳.*の(男性|女性)$|^世帯数$|^定員$|^収容定員$|不詳者の(男性|女性))"), "int"),
    (re.compile(r"^高度の値$"), "number"),
]


def column_type(name):
    for pattern, kind in _TYPE_BY_NAME:
        if pattern.search(name):
            return kind
    return "text"


def layout(family, generation, title_ja, title_en, spec, renames=None, theme="facilities"):
    """Build a Schema from a list of column names; a trailing `*` (or ◎) marks a required column."""
    columns = []
    for item in spec:
        required = item.endswith("*") or item.endswith("◎")
        name = item.rstrip("*◎○")
        columns.append(Column(name, column_type(name), required))
    return Schema(family, generation, {"ja": title_ja, "en": title_en}, columns, renames or {}, theme)


def legacy_to_current(spec):
    """The current generation's columns from an older layout: leading and address columns swapped in,
    contact columns added after the phone numbers (as the official sheets do)."""
    out = []
    for item in spec:
        name = item.rstrip("*◎○")
        if name in LEGACY_LEAD:
            if name == "都道府県コード又は市区町村コード":
                out += ["全国地方公共団体コード*", "ID*", "地方公共団体名"]
            continue
        if name == "住所":
            out += [c + ("*" if c == "所在地_連結表記" else "") for c in CURRENT_ADDRESS]
            continue
        if name == "方書":
            continue
        out.append(item)
        if name == "内線番号":
            out += CURRENT_CONTACT
    return out


# -- checks and normalisation ------------------------------------------------------------------------
_LG = re.compile(r"^\d{6}$")
_LG5 = re.compile(r"^\d{5}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_PHONE = re.compile(r"^[0-9()\-+ ]+$")
_POSTAL = re.compile(r"^\d{3}-?\d{4}$")
_INT = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_ID = re.compile(r"^[0-9A-Za-z_\-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEEKDAY_CHARS = set("月火水木金土日祝")
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.0)


def check_digit(five):
    """The check digit of a local-government code (全国地方公共団体コード) from its first five digits."""
    total = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def lgcode_with_check(five):
    return five + check_digit(five)


def _parts(value):
    return [p.strip() for p in value.split(";") if p.strip()]


def check(kind, value):
    """(problem code or None, params). `value` is the stripped cell text and is not empty."""
    folded = unicodedata.normalize("NFKC", value)
    if kind == "lgcode":
        if _LG5.match(folded):
            return "lgcode_five_digit", {"expected": lgcode_with_check(folded)}
        if not _LG.match(folded):
            return "lgcode_format", {}
        if check_digit(folded[:5]) != folded[5]:
            return "lgcode_check_digit", {"expected": check_digit(folded[:5])}
    elif kind == "id":
        if not _ID.match(value):
            return "id_format", {}
    elif kind in ("lat", "lon"):
        if not _NUMBER.match(folded):
            return "not_a_number", {}
        low, high = JAPAN_LAT if kind == "lat" else JAPAN_LON
        if not low <= float(folded) <= high:
            return "coordinate_outside_japan", {}
    elif kind == "time":
        for part in _parts(folded):
            match = _TIME.match(part)
            if not match or int(match[1]) > 24 or int(match[2]) > 59 or (match[3] and int(match[3]) > 59):
                return "time_format", {}
    elif kind == "date":
        import datetime

        for part in _parts(folded):
            match = _DATE.match(part)
            try:
                if not match:
                    raise ValueError
                datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return "date_format", {}
    elif kind == "yesno":
        if value not in ("有", "無"):
            return "yesno", {}
    elif kind == "weekdays":
        if not set(value.replace(";", "").replace("・", "").replace(" ", "")) <= WEEKDAY_CHARS:
            return "weekdays", {}
    elif kind == "phone":
        for part in _parts(folded):
            if not _PHONE.match(part) or sum(ch.isdigit() for ch in part) < 6:
                return "phone", {}
    elif kind == "postal":
        if not _POSTAL.match(folded):
            return "postal", {}
    elif kind == "url":
        for part in _parts(value):
            if not part.startswith(("http://", "https://")):
                return "url", {}
    elif kind == "int":
        if not _INT.match(folded.replace(",", "")):
            return "int", {}
    elif kind == "number":
        if not all(_NUMBER.match(part) for part in _parts(folded)):
            return "not_a_number", {}
    elif kind == "corpnum":
        if not re.match(r"^\d{13}$", folded):
            return "corpnum", {}
    elif kind == "email":
        for part in _parts(value):
            if not _EMAIL.match(part):
                return "email", {}
    return None, {}


def normalise(kind, value):
    """The standard written form of a valid value (times hh:mm, dates YYYY-MM-DD, 6-digit codes)."""
    value = value.strip()
    if not value:
        return value
    folded = unicodedata.normalize("NFKC", value)
    if kind == "lgcode" and _LG5.match(folded):
        return lgcode_with_check(folded)
    if kind == "time":
        out = []
        for part in _parts(folded):
            match = _TIME.match(part)
            if not match:
                return value
            seconds = f":{match[3]}" if match[3] and match[3] != "00" else ""
            out.append(f"{int(match[1]):02d}:{match[2]}{seconds}")
        return ";".join(out)
    if kind == "date":
        out = []
        for part in _parts(folded):
            match = _DATE.match(part)
            if not match:
                return value
            out.append(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")
        return ";".join(out)
    if kind in ("lat", "lon", "int", "number", "postal", "corpnum", "lgcode", "phone", "id"):
        return folded
    return value
