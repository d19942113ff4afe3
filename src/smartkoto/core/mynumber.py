"""Keep the individual number (個人番号, マイナンバー) out of the platform (番号法 §20).

A 12-digit number whose last digit passes the check-digit rule of the 行政手続における特定の個人を
識別するための番号の利用等に関する法律施行令 §8 is refused in free text and redacted from logs.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Separators people type between the groups: spaces, hyphens and the dash-like characters Japanese
# input methods produce (U+2010-2015 dashes, U+2212 minus, U+30FC long vowel mark, full-width hyphen).
_SEPARATOR = r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d]?"
_TWELVE_DIGITS = re.compile(rf"(?<!\d)(\d{{4}}){_SEPARATOR}(\d{{4}}){_SEPARATOR}(\d{{4}})(?!\d)")


def is_individual_number(digits: str) -> bool:
    """True when `digits` (12 digits) has a valid My Number check digit."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]]
    total = 0
    for n in range(1, 12):
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def find_individual_number(text: str):
    """The first run of digits in `text` that looks like an individual number, or None."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", str(text))
    for match in _TWELVE_DIGITS.finditer(folded):
        digits = "".join(match.groups())
        if is_individual_number(digits):
            return match.group(0)
    return None


def reject_individual_number(value):
    """Form validator for every free-text field."""
    if isinstance(value, str) and find_individual_number(value):
        raise ValidationError(
            _("Do not enter your individual number (My Number). We never need it for this service. "
              "Remove the 12-digit number and try again."),
            code="individual_number",
        )


def redact_individual_numbers(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    if not find_individual_number(folded):
        return text
    return _TWELVE_DIGITS.sub(
        lambda m: "[redacted]" if is_individual_number("".join(m.groups())) else m.group(0), folded
    )
