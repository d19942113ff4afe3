"""Personal data out of logged questions: what a resident types may hold their email, phone number,
postal code, name or an individual number. The log keeps the question's shape, never the data."""

import re
import unicodedata

from smartkoto.core.mynumber import redact_individual_numbers

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)0\d{1,4}[-(\s]?\d{1,4}[-)\s]?\d{3,4}(?!\d)")
POSTAL = re.compile(r"〒?\s*(?<!\d)\d{3}-\d{4}(?!\d)")
# A name before an honorific: up to 6 kanji/kana (さん、様、ちゃん、くん、氏); the honorific stays.
NAMED = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff々]{1,6}(?=(さん|様|さま|ちゃん|くん|氏))")
DIGITS = re.compile(r"\d{4,}")


def redact(text: str) -> str:
    """The question with emails, phone numbers, postal codes, names before さん/様 and runs of 4+ digits replaced."""
    text = unicodedata.normalize("NFKC", text or "")
    text = redact_individual_numbers(text)
    text = EMAIL.sub("[email]", text)
    text = POSTAL.sub("[postal code]", text)
    text = PHONE.sub("[phone]", text)
    text = NAMED.sub("[name]", text)
    return DIGITS.sub("[number]", text)
