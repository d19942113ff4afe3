"""The answer engine: Japanese retrieval in the web process, no external service (no data leaves the ward).

A text becomes search terms four ways, all after folding (NFKC, lower case, katakana → hiragana):
- words from the Janome morphological analyser (nouns, verbs, adjectives, in their dictionary form),
- character bigrams of the Japanese (so 住民 finds 住民票 and a typo costs two bigrams, not the word),
- English words (a crude stem: 'certificates' → 'certificate'),
- a synonym term per group of `synonyms.GROUPS` the text mentions (引っ越し ≈ 転入 ≈ 転居).

Documents are FAQ entries, procedures and life events; each is scored with Okapi BM25 over its weighted
fields (the question and keywords count more than the answer). The confidence of an answer is the share of
the query's weight (the sum of its terms' IDF; a term no document has counts as the rarest) that the
document matches, blended with the BM25 margin over the runner-up. Below `THRESHOLD` the guide says it
does not know.

The index is built once per process and rebuilt when `content_version()` changes (three aggregate queries).
"""

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .synonyms import GROUPS

_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々ー]+")
_SCRIPT_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々]+|[\u3040-\u30ffー]+")
"""Bigrams stay inside a run of kanji or of kana: 住民票を → 住民, 民票 (not 票を, which no answer holds)."""
_ENGLISH = re.compile(r"[a-z][a-z0-9'-]*")
_CONTENT_POS = ("名詞", "動詞", "形容詞", "副詞")
_STOP_WORDS = {
    # English function words, and question words every FAQ shares
    "a", "an", "the", "i", "me", "my", "we", "our", "you", "your", "is", "are", "am", "be", "been", "was", "were", "do",
    "does", "did", "can", "could", "should", "would", "will", "to", "of", "in", "on", "at", "for", "and", "or", "it",
    "this", "that", "there", "what", "how", "where", "when", "which", "who", "with", "from", "by", "about", "if",
    "get", "have", "has", "need", "want", "please", "any", "some", "so", "as", "into", "up", "not", "no", "s",
    # Japanese words that carry no topic
    "する", "いる", "ある", "なる", "れる", "られる", "できる", "いい", "よい", "ない", "こと", "もの", "ため", "よう",
    "どう", "どこ", "なに", "何", "いつ", "ん", "の", "です", "ます", "これ", "それ", "そう", "ここ", "くる", "いく",
    "たい", "ほしい", "おしえる", "教える", "知る", "わかる", "分かる", "思う", "ください", "方", "かた",
}

THRESHOLD = 0.35
"""Answers whose confidence is below this are not shown as answers (tuned on the tuning half of the labelled set)."""

FIELD_WEIGHTS = {"question": 3, "keywords": 3, "title": 3, "answer": 1}
K1, B = 3.0, 0.8
BLEND = 0.5
"""Confidence = BLEND × coverage of all the query's terms + (1 − BLEND) × coverage of its words."""
TERM_WEIGHTS = {"n": 1.0, "w": 1.0, "c": 1.0, "h": 0.5, "e": 1.0, "syn": 1.0}
"""How much a kind of term counts: analyser nouns and other words (verbs, adjectives), bigrams with a kanji,
kana bigrams (often endings such as たい or ます), English words, synonym groups."""
TOPIC_KINDS = ("n", "e", "syn")
"""The terms that say what a question is about: its word coverage counts only these."""
OTHER_PLACE_FACTOR = 0.5
"""A question about another municipality's rules (横浜市の粗大ごみ) is not ours to answer, unless it is about moving."""
_PLACE = re.compile(r"([\u4e00-\u9fff]{1,4}(?:区|市|県|府))(?!民)|([a-z]+) (?:city|ward)\b")
_HIRAGANA_ONLY = re.compile(r"[\u3040-\u309f]+")


def _kind(term):
    kind, _sep, rest = term.partition(":")
    if kind == "c" and _HIRAGANA_ONLY.fullmatch(rest):
        return "h"
    return kind


def fold(text: str) -> str:
    """NFKC, lower case, katakana → hiragana; spaces kept (English needs them)."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(chr(ord(ch) - 0x60) if _KATAKANA_START <= ord(ch) <= _KATAKANA_END else ch for ch in text)


_tokenizer = None
_tokenizer_lock = threading.Lock()


def _janome():
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                from janome.tokenizer import Tokenizer

                _tokenizer = Tokenizer()
    return _tokenizer


def _stem(word):
    if len(word) <= 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _synonym_terms(folded):
    found = []
    compact = folded.replace(" ", "")
    for name, japanese, english in _FOLDED_GROUPS:
        if any(word in compact for word in japanese) or (english is not None and english.search(folded)):
            found.append("syn:" + name)
    return found


def _group(words):
    folded = [fold(word) for word in words]
    japanese = [word for word in folded if not word.isascii()]
    english = [re.escape(word) for word in folded if word.isascii()]
    return japanese, re.compile(r"(?<![a-z])(?:" + "|".join(english) + ")") if english else None


_FOLDED_GROUPS = [(name, *_group(words)) for name, words in GROUPS.items()]


def terms(text: str, analyse=True) -> list[str]:
    """The search terms of `text` (with repeats: BM25 counts them). `analyse=False` leaves out the analyser's
    words (long answer texts: bigrams and synonyms find them, and the index builds four times faster)."""
    nfkc = unicodedata.normalize("NFKC", text or "")
    folded = fold(nfkc)
    out = []
    for token in _janome().tokenize(nfkc) if analyse else ():
        pos = token.part_of_speech.split(",", 1)[0]
        if pos not in _CONTENT_POS:
            continue
        base = token.base_form if token.base_form != "*" else token.surface
        word = fold(base)
        if not word or word in _STOP_WORDS or word.isascii():
            continue
        if len(word) == 1 and not ("\u4e00" <= word <= "\u9fff"):
            continue  # a lone kana is noise; a lone kanji (税, 犬) is a word
        out.append(("n:" if pos == "名詞" else "w:") + word)
    for run in _SCRIPT_RUN.findall(folded):
        if len(run) == 1:
            out.append("c:" + run)
        out.extend("c:" + run[i : i + 2] for i in range(len(run) - 1))
    for word in _ENGLISH.findall(folded):
        if word not in _STOP_WORDS and len(word) > 1:
            out.append("e:" + _stem(word))
    out.extend(_synonym_terms(folded))
    return out


@dataclass
class Document:
    ref: str  # "faq:<key>", "procedure:<slug>", "lifeevent:<code>"
    title: dict
    route: tuple  # (URL name, argument): reversed when shown, in the language of that request
    procedure: str | None
    body: dict = field(default_factory=dict)  # answer / summary to show, translated
    department: str = ""
    fields: dict = field(default_factory=dict)  # field name -> text to index

    @property
    def kind(self):
        return self.ref.split(":", 1)[0]

    def url(self):
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(self.route[0], args=self.route[1:])
        except NoReverseMatch:
            return ""


@dataclass
class Answer:
    document: Document
    score: float
    confidence: float


@dataclass
class Result:
    answers: list
    confident: bool

    @property
    def best(self):
        return self.answers[0] if self.answers else None


def mentions_other_place(query, home_names):
    """True when the query names a municipality (…区, …市, … city) other than ours."""
    folded = fold(query)
    homes = [fold(name) for name in home_names if name]
    for match in _PLACE.finditer(folded):
        place = match.group(1) or match.group(2)
        if not any(place in home or home.startswith(place) for home in homes):
            return True
    return False


_term_cache = {}
"""(text, analysed) -> terms, of the texts in the current index: a rebuild after one changed entry is quick."""


class Index:
    def __init__(self, documents, home_names=()):
        self.home_names = tuple(home_names)
        self.documents = list(documents)
        self.postings = defaultdict(list)  # term -> [(doc index, weighted tf)]
        self.lengths = []
        used = {}
        for position, document in enumerate(self.documents):
            counts = Counter()
            for name, text in document.fields.items():
                weight = FIELD_WEIGHTS.get(name, 1)
                key = (text, name != "answer")
                if key not in _term_cache:
                    _term_cache[key] = terms(text, analyse=key[1])
                used[key] = _term_cache[key]
                for term in used[key]:
                    counts[term] += weight
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((position, tf))
        _term_cache.clear()  # keep only the texts this index holds: a rebuild re-reads only what changed
        _term_cache.update(used)
        n = max(len(self.documents), 1)
        self.average_length = (sum(self.lengths) / n) if self.lengths else 1.0
        self.idf = {term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for term, p in self.postings.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)

    def search(self, query: str, limit=5) -> Result:
        query_terms = Counter(terms(query))
        if not query_terms:
            return Result([], False)
        scores = defaultdict(float)
        matched = defaultdict(float)  # IDF-weight of the query's terms each document holds
        matched_words = defaultdict(float)  # the same for words only (analyser, English, synonyms)
        total = total_words = 0.0
        for term, query_tf in query_terms.items():
            kind = _kind(term)
            idf = self.idf.get(term, self.unknown_idf) * TERM_WEIGHTS[kind]
            weight = idf * min(query_tf, 2)
            is_word = kind in TOPIC_KINDS
            total += weight
            total_words += weight if is_word else 0.0
            for position, tf in self.postings.get(term, ()):
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[position] / self.average_length))
                scores[position] += idf * norm * min(query_tf, 2)
                matched[position] += weight
                if is_word:
                    matched_words[position] += weight
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        if not ranked:
            return Result([], False)
        elsewhere = "syn:move" not in query_terms and mentions_other_place(query, self.home_names)
        answers = []
        for position, score in ranked:
            coverage = matched[position] / total if total else 0.0
            word_coverage = matched_words[position] / total_words if total_words else coverage
            confidence = min(1.0, BLEND * coverage + (1 - BLEND) * word_coverage)
            confidence = round(confidence * (OTHER_PLACE_FACTOR if elsewhere else 1.0), 3)
            answers.append(Answer(self.documents[position], round(score, 3), confidence))
        return Result(answers, answers[0].confidence >= THRESHOLD)


# -- one index per process, rebuilt when the content changes ----------------------------------------------
_state = {"version": None, "index": None}
_build_lock = threading.Lock()


def index(version, build, home_names=()):
    """The process's index for content `version`; `build()` makes the documents when the version changed."""
    if _state["version"] != version or _state["index"] is None:
        with _build_lock:
            if _state["version"] != version or _state["index"] is None:
                _state["index"] = Index(build(), home_names)
                _state["version"] = version
    return _state["index"]


def forget():
    """Drop the process's index (tests; the next search builds it again)."""
    _state["version"], _state["index"] = None, None
