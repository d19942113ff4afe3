"""The answer engine: folding, terms, synonyms, ranking and the "I don't know" threshold."""

import pytest

from smartkoto.guide import engine
from smartkoto.guide.engine import Document, Index, fold, mentions_other_place, terms


def doc(ref, question, answer="", keywords=""):
    return Document(ref=ref, title={"ja": question}, route=("guide:index",), procedure=None,
                    fields={"question": question, "keywords": keywords, "answer": answer})


DOCS = [
    doc("faq:tennyu", "転入届はいつまでに出しますか", "住み始めてから14日以内に届け出てください。", "転入 住所変更"),
    doc("faq:sodai", "粗大ごみの出し方", "粗大ごみは申込みが必要です。", "粗大ごみ 大型ごみ"),
    doc("faq:juminhyo", "住民票の写しの取り方", "区役所やコンビニで取れます。", "住民票 証明書"),
    doc("faq:jido-teate", "児童手当の申請", "出生後15日以内に申請してください。", "児童手当 手当"),
    doc("faq:inu", "犬の登録", "犬を飼ったら30日以内に登録してください。", "犬 登録 狂犬病"),
]


@pytest.fixture(scope="module")
def index():
    return Index(DOCS, home_names=("江東区", "江東", "Koto City", "Koto"))


def test_fold_makes_widths_and_kana_one():
    assert fold("ＡＢＣ　１２３") == "abc 123"
    assert fold("ジュウミンヒョウ") == "じゅうみんひょう"
    assert fold("ｼﾞｭｳﾐﾝﾋｮｳ") == "じゅうみんひょう"


def test_terms_hold_words_bigrams_english_and_synonyms():
    found = terms("住民票がほしい residence certificates")
    assert "n:住民" in found or "n:住民票" in found
    assert "c:住民" in found and "c:民票" in found
    assert "e:certificate" in found  # a crude stem
    assert "syn:resident-record" in found


def test_bigrams_stay_inside_one_script_run():
    assert "c:票が" not in terms("住民票が")


def test_katakana_question_finds_the_kanji_answer_through_its_reading_keywords(index):
    result = index.search("ジュウミンヒョウ")
    assert result.best is None or result.best.document.ref != "faq:inu"
    assert index.search("住民票ほしい").best.document.ref == "faq:juminhyo"


@pytest.mark.parametrize("question, expected", [
    ("引っ越してきました", "faq:tennyu"),   # 引っ越し ≈ 転入
    ("赤ちゃんが生まれた お金", "faq:jido-teate"),  # 赤ちゃん ≈ 出生, お金 ≈ 手当
    ("ソファを捨てたい", "faq:sodai"),     # ソファ ≈ 家具 ≈ 粗大
])
def test_synonyms_find_answers_written_with_other_words(index, question, expected):
    assert index.search(question).best.document.ref == expected


def test_a_typo_still_finds_the_answer_through_bigrams(index):
    assert index.search("粗大ゴミの出しかた").best.document.ref == "faq:sodai"


def test_unrelated_question_is_not_answered_with_confidence(index):
    result = index.search("明日の天気は晴れますか")
    assert not result.confident


def test_clear_question_is_answered_with_confidence(index):
    result = index.search("犬の登録をしたい")
    assert result.confident and result.best.document.ref == "faq:inu"
    assert 0 < result.best.confidence <= 1


def test_threshold_decides_confidence(index, monkeypatch):
    question = "犬の登録をしたい"
    confidence = index.search(question).best.confidence
    monkeypatch.setattr(engine, "THRESHOLD", confidence + 0.01)
    assert not index.search(question).confident
    monkeypatch.setattr(engine, "THRESHOLD", confidence)
    assert index.search(question).confident


def test_another_municipalitys_rules_are_not_ours(index):
    assert mentions_other_place("横浜市の粗大ごみの出し方", ("江東区", "江東"))
    assert not mentions_other_place("江東区の粗大ごみの出し方", ("江東区", "江東"))
    assert not mentions_other_place("特別区民税", ("江東区", "江東"))
    own = index.search("江東区の粗大ごみの出し方").best
    other = index.search("横浜市の粗大ごみの出し方").best
    assert other.confidence < own.confidence


def test_moving_from_another_city_is_still_ours(index, monkeypatch):
    question = "横浜市から引っ越してきた 転入"
    guarded = index.search(question).best
    monkeypatch.setattr(engine, "OTHER_PLACE_FACTOR", 1.0)
    unguarded = index.search(question).best
    assert guarded.document.ref == "faq:tennyu" and guarded.confidence == unguarded.confidence


def test_empty_or_punctuation_only_question_has_no_answer(index):
    assert index.search("").answers == []
    assert not index.search("？？？").confident


def test_index_is_rebuilt_only_when_the_version_changes():
    builds = []

    def build():
        builds.append(1)
        return DOCS

    engine.forget()
    first = engine.index(("v1",), build)
    assert engine.index(("v1",), build) is first and len(builds) == 1
    assert engine.index(("v2",), build) is not first and len(builds) == 2
