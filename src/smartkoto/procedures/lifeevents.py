"""Life events (ライフイベント) a procedure can belong to: the catalog filter and the navigator's entry points."""

from smartkoto.core.i18n import both

LIFE_EVENTS = {
    "moving": both("引越し", "Moving house", "ひっこし"),
    "birth": both("妊娠・出産", "Pregnancy and birth", "あかちゃんが うまれる"),
    "childcare": both("子育て", "Raising children", "こそだて"),
    "school": both("入園・入学", "Nursery and school", "ほいくえん・がっこう"),
    "marriage": both("結婚・離婚", "Marriage and divorce", "けっこん・りこん"),
    "death": both("おくやみ", "Bereavement", "かぞくが なくなった"),
    "elderly": both("高齢・介護", "Old age and care", "おとしより・かいご"),
    "disability": both("障害", "Disability", "しょうがい"),
    "work": both("就職・退職", "Starting or leaving work", "しごと"),
    "health": both("健康・保険", "Health and insurance", "けんこう・ほけん"),
    "tax": both("税金", "Taxes", "ぜいきん"),
    "certificates": both("証明書", "Certificates", "しょうめいしょ"),
    "home": both("住まい・ごみ", "Home and waste", "すまい・ごみ"),
    "pets": both("ペット", "Pets", "ペット"),
    "business": both("事業・まちづくり", "Business and public space", "しごと・まち"),
}
