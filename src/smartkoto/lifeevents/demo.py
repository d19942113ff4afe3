"""Koto demo life events: question flows and rules over the procedures demo catalog (by slug), and the lobby
guidance routes. Deadlines follow the national rules (住民基本台帳法 14日, 戸籍法 14日/7日, 児童手当 15日…);
check them and the counters against the ward's current practice before real use. Safe to run again: a life event
already present is left as the DX office edited it."""

from smartkoto.core.i18n import both as L

from .models import LifeEvent, LobbyRoute, Question, Rule

ALL_OFFICES = "honchosha shirakawa tomioka toyosu komatsubashi higashiojima ojima sunamachi minamisuna"
WEEKDAYS = L("平日 8時30分〜17時", "Weekdays 8:30–17:00")
ID = L("本人確認書類（マイナンバーカード、運転免許証など）", "ID (My Number card, driving licence, etc.)")
YES_NO = None


def q(name, kind, ja, en, options="", show_if=None, required=True):
    return {"name": name, "kind": kind, "label": L(ja, en), "options": options, "show_if": show_if, "required": required}


def date(ja, en):
    return q("event_date", "date", ja, en)


def r(slug, question="", op="always", value="", days=None, deadline=("", ""), bring=None, offices="honchosha", when=None):
    return {"procedure_slug": slug, "question": question, "op": op, "value": value, "deadline_days": days,
            "deadline_note": L(*deadline) if deadline[0] else {}, "bring": bring or {}, "where_offices": offices, "when": when or WEEKDAYS}


INSURANCE = "kokuho|国民健康保険（自営業・無職など）|National Health Insurance (self-employed, not employed)\n" \
            "employer|勤務先の健康保険|Your employer's health insurance\nkoki|後期高齢者医療（75歳以上）|Medical care for the elderly (75+)"
WITHIN_14 = ("引越した日から14日以内", "within 14 days of the move")

EVENTS = [
    ("tennyu", "moving", "転入（江東区に引っ越してきた）", "Moving into Koto City", "区外から江東区に引っ越したときの手続です。",
     "Procedures when you move into Koto City from elsewhere.", True, [
         date("引越した日（転入日）", "Date you moved in"),
         q("household", "number", "一緒に引っ越した人数（あなたを含む）", "How many people moved, including you"),
         q("has_child", "yesno", "中学生以下のお子さんがいますか", "Do you have children of junior-high-school age or younger?"),
         q("nursery", "yesno", "保育園の利用を希望しますか", "Do you want a place at a nursery (hoikuen)?", show_if=("has_child", "yes")),
         q("insurance", "radio", "加入する健康保険", "Your health insurance", INSURANCE),
         q("has_dog", "yesno", "犬を飼っていますか", "Do you have a dog?"),
         q("bicycle", "yesno", "駅の駐輪場を使いますか", "Will you park a bicycle at a station?"),
     ], [
         r("tennyu", days=14, deadline=WITHIN_14, offices=ALL_OFFICES,
           bring=L("本人確認書類、前住所地の転出証明書（マイナンバーカードで転出届をした人はマイナンバーカード）、世帯全員のマイナンバーカード",
                   "ID, the moving-out certificate from your previous city (or your My Number card if you moved out with it), and every household member's My Number card")),
         r("kokuho-kanyu", "insurance", "equals", "kokuho", 14, WITHIN_14, ID),
         r("nenkin-shutoku", "insurance", "equals", "kokuho", 14, WITHIN_14, L("基礎年金番号がわかるもの", "Something showing your basic pension number")),
         r("jido-teate", "has_child", "equals", "yes", 15, ("転入日の翌日から15日以内", "within 15 days after the move"),
           L("請求者名義の預金通帳", "Bank book in the claimant's name")),
         r("kodomo-iryo", "has_child", "equals", "yes", 14, WITHIN_14, L("お子さんの健康保険の資格情報", "Your child's health insurance details")),
         r("hoiku-nyuen", "nursery", "equals", "yes", None, ("入園希望月の前月10日まで", "by the 10th of the month before the start"),
           L("就労証明書", "Proof of employment")),
         r("inu-toroku", "has_dog", "equals", "yes", 30, ("転入から30日以内", "within 30 days of the move"), L("前住所地の鑑札", "The dog's tag from your previous city")),
         r("churin-teiki", "bicycle", "equals", "yes"),
         r("inkan-toroku", bring=L("登録する印鑑と本人確認書類", "The seal to register and ID"), offices=ALL_OFFICES),
     ]),
    ("tenshutsu", "moving", "転出（江東区から引っ越す）", "Moving out of Koto City", "江東区から区外へ引っ越すときの手続です。",
     "Procedures when you move from Koto City to another city.", False, [
         date("引越す日（予定）", "Moving date (planned)"),
         q("insurance", "radio", "加入している健康保険", "Your health insurance", INSURANCE),
         q("nursery", "yesno", "お子さんが区内の保育園に通っていますか", "Does your child go to a nursery in Koto?"),
         q("big_waste", "yesno", "引越しで大きなごみが出ますか", "Will moving leave large items to throw away?"),
     ], [
         r("tenshutsu", days=14, deadline=("引越す日の14日前から引越した日から14日以内", "from 14 days before until 14 days after the move"), bring=ID),
         r("hoiku-taien", "nursery", "equals", "yes", -10, ("退園する月の前月10日まで", "by the 10th of the month before leaving")),
         r("sodai-gomi", "big_waste", "equals", "yes", -7, ("引越しの1週間前までに申込", "book at least a week before the move")),
     ]),
    ("tenkyo", "moving", "区内転居（江東区の中で引っ越す）", "Moving within Koto City", "江東区内で住所が変わったときの手続です。",
     "Procedures when you move to another address in Koto City.", True, [
         date("引越した日", "Date you moved"),
         q("bicycle", "yesno", "駅の駐輪場を使いますか", "Will you park a bicycle at a station?"),
         q("big_waste", "yesno", "引越しで大きなごみが出ますか", "Will moving leave large items to throw away?"),
     ], [
         r("tenkyo", days=14, deadline=WITHIN_14, bring=L("本人確認書類、世帯全員のマイナンバーカード", "ID and every household member's My Number card"), offices=ALL_OFFICES),
         r("churin-teiki", "bicycle", "equals", "yes"),
         r("sodai-gomi", "big_waste", "equals", "yes"),
     ]),
    ("shussei", "birth", "出生（赤ちゃんが生まれた）", "A baby is born", "赤ちゃんが生まれたときの手続です。", "Procedures when a baby is born.", False, [
         date("生まれた日", "Date of birth"),
         q("insurance", "radio", "赤ちゃんが加入する健康保険", "The baby's health insurance", INSURANCE),
         q("nursery", "yesno", "保育園の利用を希望しますか", "Do you want a place at a nursery (hoikuen)?"),
     ], [
         r("shussei", days=14, deadline=("生まれた日を含めて14日以内", "within 14 days of the birth, counting the day of birth"),
           bring=L("出生証明書（病院で記入）、母子健康手帳", "Birth certificate from the hospital and the maternal and child health handbook"), offices=ALL_OFFICES),
         r("jido-teate", days=15, deadline=("出生日の翌日から15日以内", "within 15 days after the birth")),
         r("kodomo-iryo", days=30, deadline=("1か月以内", "within a month")),
         r("kokuho-kanyu", "insurance", "equals", "kokuho", 14, ("出生から14日以内", "within 14 days of the birth")),
         r("hoiku-nyuen", "nursery", "equals", "yes"),
     ]),
    ("konin", "marriage", "婚姻（結婚する）", "Getting married", "結婚するときの手続です。", "Procedures when you marry.", False, [
         date("婚姻届を出す日", "Date you register the marriage"),
         q("moving", "yesno", "結婚にあわせて区内で引っ越しますか", "Are you moving within Koto City?"),
         q("insurance", "radio", "結婚後の健康保険", "Health insurance after marriage", INSURANCE),
     ], [
         r("konin", bring=L("婚姻届（証人2名の署名）、本人確認書類", "Marriage form signed by two witnesses and ID"), offices=ALL_OFFICES,
           deadline=("届け出た日に成立します", "The marriage takes effect on the day it is registered")),
         r("tenkyo", "moving", "equals", "yes", 14, WITHIN_14, ID),
         r("setai-henko", "moving", "not_equals", "yes", 14, ("変更から14日以内", "within 14 days of the change")),
         r("kokuho-kanyu", "insurance", "equals", "kokuho", 14, ("資格を得てから14日以内", "within 14 days")),
     ]),
    ("rikon", "marriage", "離婚", "Divorce", "離婚するときの手続です。", "Procedures when you divorce.", False, [
         date("離婚の日", "Date of the divorce"),
         q("has_child", "yesno", "18歳以下のお子さんを育てますか", "Will you raise children aged 18 or under?"),
         q("moving", "yesno", "区内で引っ越しますか", "Are you moving within Koto City?"),
     ], [
         r("rikon", bring=ID, offices=ALL_OFFICES, days=10, deadline=("調停・裁判離婚は確定から10日以内", "court divorces: within 10 days of the decision")),
         r("jido-fuyo", "has_child", "equals", "yes", bring=L("戸籍謄本、預金通帳", "Family register certificate and bank book")),
         r("jido-teate-kaitei", "has_child", "equals", "yes", 15, ("15日以内", "within 15 days")),
         r("tenkyo", "moving", "equals", "yes", 14, WITHIN_14, ID),
     ]),
    ("okuyami", "death", "おくやみ（家族が亡くなった）", "A death in the family", "ご家族が亡くなったときの手続です。", "Procedures after a family member dies.", False, [
         date("亡くなった日", "Date of death"),
         q("insurance", "radio", "亡くなった方の健康保険", "The deceased's health insurance", INSURANCE),
         q("funeral", "yesno", "葬儀を行いましたか（行う予定ですか）", "Did you (or will you) hold a funeral?"),
         q("household_head", "yesno", "亡くなった方は世帯主でしたか", "Was the deceased the head of the household?"),
     ], [
         r("shibo", days=7, deadline=("亡くなったことを知った日から7日以内", "within 7 days of learning of the death"),
           bring=L("死亡診断書（原本）", "The original medical death certificate"), offices=ALL_OFFICES),
         r("setai-henko", "household_head", "equals", "yes", 14, ("14日以内", "within 14 days")),
         r("kokuho-sosai", "insurance", "equals", "kokuho", deadline=("葬儀の翌日から2年以内", "within 2 years after the funeral")),
         r("koki-sosai", "insurance", "equals", "koki", deadline=("葬儀の翌日から2年以内", "within 2 years after the funeral")),
         r("juminhyo-joseki"),
         r("joseki", bring=L("相続に必要な範囲を確認してください", "Check which records the inheritance needs")),
     ]),
    ("nyuen-nyugaku", "school", "入園・入学", "Nursery and school", "保育園の入園や小学校の入学のときの手続です。", "Procedures for nursery and school entry.", False, [
         q("stage", "radio", "お子さんの入る先", "Where your child starts",
           "nursery|保育園|Nursery (hoikuen)\nschool|小学校|Elementary school\nuniversity|大学・専門学校（20歳以上）|University or college (20 or older)"),
         q("working", "yesno", "保護者は日中働いていますか", "Do the parents work during the day?"),
     ], [
         r("hoiku-nyuen", "stage", "equals", "nursery", deadline=("入園希望月の前月10日まで", "by the 10th of the month before the start"), bring=L("就労証明書", "Proof of employment")),
         r("gakudo", "working", "equals", "yes"),
         r("nenkin-gakusei", "stage", "equals", "university", bring=L("学生証の写し", "Copy of the student ID")),
     ]),
    ("age65", "elderly", "65歳になったら", "Turning 65", "65歳になると介護保険の第1号被保険者になります。", "At 65 you join long-term care insurance as a primary insured person.", False, [
         q("care", "yesno", "日常生活で介護や支援が必要ですか", "Do you need care or help in daily life?"),
         q("alone", "yesno", "一人暮らしですか", "Do you live alone?"),
         q("meals", "yesno", "食事の用意が難しいですか", "Is preparing meals hard for you?"),
         q("smartphone", "yesno", "スマートフォンの使い方を習いたいですか", "Would you like to learn to use a smartphone?"),
     ], [
         r("kaigo-nintei", "care", "equals", "yes", bring=L("介護保険被保険者証", "Long-term care insurance card")),
         r("kinkyu-tsuho", "alone", "equals", "yes"),
         r("haishoku", "meals", "equals", "yes"),
         r("sumaho-kyoshitsu", "smartphone", "equals", "yes"),
     ]),
    ("kaigo", "elderly", "介護が必要になったら", "When care is needed", "ご本人やご家族に介護が必要になったときの手続です。", "Procedures when you or a family member needs care.", False, [
         q("facility", "yesno", "施設への入所やショートステイを考えていますか", "Are you considering a care home or short stays?"),
         q("pads", "yesno", "紙おむつが必要ですか", "Are incontinence pads needed?"),
         q("waste", "yesno", "ごみ出しが難しいですか", "Is taking out waste hard?"),
     ], [
         r("kaigo-nintei", bring=L("介護保険被保険者証、主治医の名前", "Care insurance card and your doctor's name")),
         r("kaigo-gendogaku", "facility", "equals", "yes", bring=L("預貯金の通帳の写し", "Copies of bank books")),
         r("omutsu", "pads", "equals", "yes"),
         r("fureai-shushu", "waste", "equals", "yes"),
     ]),
    ("jigyo", "business", "事業を始める", "Starting a business", "江東区で事業を始めるときの手続です。", "Procedures when you start a business in Koto City.", False, [
         q("restaurant", "yesno", "飲食店を開きますか", "Will you open a restaurant or café?"),
         q("loan", "yesno", "融資を受ける予定ですか", "Do you plan to borrow money?"),
         q("course", "yesno", "区の創業支援セミナーを受講しましたか", "Did you attend the ward's start-up course?"),
     ], [
         r("jigyo-gomi"),
         r("eigyo-kyoka", "restaurant", "equals", "yes", deadline=("開店の10日前までに", "at least 10 days before opening"), bring=L("施設の平面図、食品衛生責任者の資格", "Floor plan and food hygiene supervisor certificate")),
         r("yushi-assen", "loan", "equals", "yes", bring=L("決算書または事業計画書", "Financial statements or business plan")),
         r("sogyo-shomei", "course", "equals", "yes"),
     ]),
]

LOBBY = [
    ("moving", "引越し・戸籍の届出", "Moving or family register", "kumin", "本庁舎2階 住民異動の窓口", "Main office 2F, moving counter", "A", "ido", "tennyu"),
    ("card", "マイナンバーカード", "My Number card", "koseki", "本庁舎2階 マイナンバーカードの窓口", "Main office 2F, My Number card counter", "B", "card", ""),
    ("certificate", "住民票・証明書", "Certificates (residence etc.)", "kumin", "本庁舎2階 証明書の窓口", "Main office 2F, certificates counter", "C", "cert", ""),
    ("insurance", "国民健康保険・年金", "Health insurance or pension", "iryohoken", "本庁舎2階 医療保険の窓口", "Main office 2F, health insurance counter", "D", "hoken", ""),
    ("children", "子育て・保育園", "Children and nursery", "kosodate", "本庁舎4階 子育て支援課", "Main office 4F, Child-rearing Support", "", "", ""),
    ("care", "介護・高齢者", "Care and older people", "kaigo", "本庁舎3階 介護保険課", "Main office 3F, Long-term Care Insurance", "", "", ""),
    ("tax", "税金", "Taxes", "zeimu", "本庁舎3階 税務課", "Main office 3F, Taxation", "", "", ""),
]


def load():
    for order, (code, category, ja, en, sja, sen, koto, questions, rules) in enumerate(EVENTS):
        event, created = LifeEvent.objects.get_or_create(code=code, defaults={
            "name": L(ja, en), "summary": L(sja, sen), "category": category, "local_address_required": koto, "order": order})
        if not created:
            continue
        for index, question in enumerate(questions):
            show_if = question["show_if"] or ("", "")
            Question.objects.create(life_event=event, name=question["name"], kind=question["kind"], label=question["label"],
                                    options=question["options"], required=question["required"], show_if_question=show_if[0],
                                    show_if_value=show_if[1], order=index)
        for index, rule in enumerate(rules):
            Rule.objects.create(life_event=event, order=index, **rule)
    for order, (code, ja, en, dept, cja, cen, prefix, counter_type, slug) in enumerate(LOBBY):
        LobbyRoute.objects.get_or_create(code=code, defaults={
            "label": L(ja, en), "department_code": dept, "counter": L(cja, cen), "ticket_prefix": prefix,
            "counter_type_code": counter_type, "pre_entry_slug": slug, "order": order})
