"""The one Japanese-text normaliser, used by every search (procedures, open data, FAQ).

NFKC folds full- and half-width forms; katakana folds to hiragana; case folds; spaces go.
Character bigrams (plus the single characters) make 2-character words such as 住民 or 転入 findable,
which SQLite FTS5's trigram tokenizer cannot do.
"""

import unicodedata

_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    chars = []
    for ch in text:
        code = ord(ch)
        if _KATAKANA_START <= code <= _KATAKANA_END:
            ch = chr(code - 0x60)
        if not ch.isspace():
            chars.append(ch)
    return "".join(chars)


def bigrams(text: str) -> set[str]:
    """Search terms for `text`: its normalised bigrams and single characters."""
    norm = normalize(text)
    grams = set(norm)
    grams.update(norm[i : i + 2] for i in range(len(norm) - 1))
    return grams


def search_key(*parts: str) -> str:
    """A normalised, space-joined text to store beside a record and match with `matches`."""
    return " ".join(normalize(part) for part in parts if part)


def matches(query: str, key: str) -> bool:
    """Every word of the query (split on spaces) occurs in the normalised key."""
    words = [normalize(word) for word in (query or "").split()]
    return all(word in key for word in words if word)
