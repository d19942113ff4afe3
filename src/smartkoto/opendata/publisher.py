"""The publisher of the catalog — the municipality — as data from its profile (`municipality.queries`),
so DCAT, CKAN, the オープンデータ一覧 rows and form defaults never carry a ward's name in code."""

import re
from urllib.parse import urlsplit

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality

_PREFECTURE = re.compile(r"^(北海道|東京都|京都府|大阪府|\S{2,3}?県)")


def code():
    """The 全国地方公共団体コード (6 digits with check digit)."""
    return municipality.profile()["code"]


def name(language="ja"):
    names = municipality.profile()["name"]
    return tr(names, language) if names else ""


def prefecture():
    """The prefecture (都道府県名), read from the start of the Japanese address."""
    address = municipality.profile()["address"]
    found = _PREFECTURE.match(tr(address, "ja") if address else "")
    return found.group(1) if found else ""


def spatial():
    """The area the catalog covers, e.g. 東京都○○区: the default spatial coverage of a dataset."""
    return prefecture() + name("ja")


def contact_email():
    """opendata@<the website's domain>, the catalog's contact when a dataset names none ("" without a website)."""
    host = urlsplit(municipality.profile()["website"] or "").hostname or ""
    host = host[4:] if host.startswith("www.") else host
    return f"opendata@{host}" if host else ""
