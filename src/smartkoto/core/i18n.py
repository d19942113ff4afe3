"""Translated content is data: one JSON object with a text per language, e.g.
{"ja": "住民票の写し", "en": "Certificate of residence", "ja-easy": "じゅうみんひょう"}.
"""

from django.utils.translation import get_language

FALLBACK = "ja"


def tr(value, language=None) -> str:
    """The text for the active language, falling back to Japanese, then to any text there is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    language = (language or get_language() or FALLBACK).split("-")[0] if language != "ja-easy" else language
    for key in (language, FALLBACK):
        if value.get(key):
            return value[key]
    return next((text for text in value.values() if text), "")


def both(ja: str, en: str, easy: str = "") -> dict:
    value = {"ja": ja, "en": en}
    if easy:
        value["ja-easy"] = easy
    return value
