"""Koto demo catalog: real ward procedures with working forms and an honest online status.

Fees are the ward's published fees where known (証明書 300円, 戸籍全部事項証明 450円, 除籍 750円, 犬の登録 3,000円…);
check them against the current 江東区手数料条例 before real use. `counter_only` without a legal reason means
"not online yet": it counts against the online-ready share, as it should.
"""

from smartkoto.core.actor import Actor
from smartkoto.core.i18n import both as L
from smartkoto.municipality import queries as municipality

from .models import Procedure
from .services import create_published

DECLARATION = L("入力した内容に誤りはありません。虚偽の申請をした場合、申請が取り消されることがあることを理解しました。",
                "I declare that what I entered is true. I understand that a false application may be cancelled.",
                "かいた ことは ただしいです。うそが あると、もうしこみが なくなる ことが あります。")


def f(name, kind, ja, en, required=True, **extra):
    field = {"name": name, "type": kind, "label": L(ja, en), "required": required}
    field.update(extra)
    return field


def opt(value, ja, en):
    return {"value": value, "label": L(ja, en)}


def applicant(card=True, short=False):
    fields = [
        f("full_name", "text", "氏名", "Full name", prefill="profile.full_name", max_length=100),
        f("full_name_kana", "kana", "氏名（フリガナ）", "Full name in katakana", prefill="profile.full_name_kana",
          hint=L("カタカナで入力してください。", "In katakana, e.g. コウトウ ハナコ.")),
    ]
    if not short:
        fields += [
            f("birth_date", "date", "生年月日", "Date of birth", prefill="profile.birth_date"),
            f("postal_code", "postal_code", "郵便番号", "Postal code", prefill="profile.postal_code"),
            f("address", "address", "住所", "Address", prefill="profile.address", max_length=200),
        ]
    fields += [
        f("phone", "phone", "日中の電話番号", "Daytime phone number", prefill="profile.phone"),
        f("email", "email", "メールアドレス", "Email address", required=False, prefill="profile.email",
          hint=L("受付の連絡をお送りします。", "We send the confirmation here.")),
    ]
    return {"id": "applicant", "title": L("申請者", "Applicant", "もうしこむ ひと"), "fields": fields}


def step(sid, ja, en, fields, repeat=None):
    s = {"id": sid, "title": L(ja, en), "fields": fields}
    if repeat:
        s["repeat"] = repeat
    return s


PURPOSES = [opt("work", "勤務先への提出", "For an employer"), opt("school", "学校への提出", "For a school"),
            opt("bank", "金融機関・保険", "For a bank or insurer"), opt("other", "その他", "Other")]


def cert_form(household=False):
    request = [
        f("copies", "number", "必要な通数", "Number of copies", min=1, max=10),
        f("purpose", "select", "使いみち", "What you need it for", options=PURPOSES),
        f("purpose_other", "text", "その他の使いみち", "Other purpose", show_if={"field": "purpose", "equals": "other"}),
    ]
    if household:
        request += [
            f("scope", "radio", "記載する人", "Who to include", options=[opt("me", "本人のみ", "Only me"), opt("household", "世帯全員", "Everyone in the household")]),
            f("show_relationship", "yesno", "続柄を記載しますか", "Show family relationships?", show_if={"field": "scope", "equals": "household"}),
        ]
    request.append(f("delivery", "radio", "受け取り方法", "How you receive it", options=[
        opt("mail", "住所へ郵送", "By post to your address"), opt("counter", "窓口で受け取る", "Collect at the counter")]))
    return [applicant(), step("certificate", "請求内容", "What you request", request)]


def notice_form(members=False, document=None):
    steps = [applicant(), step("event", "届出の内容", "About the change", [
        f("event_date", "date", "異動日（届出の理由が生じた日）", "Date of the change"),
        f("previous_address", "address", "前の住所", "Previous address", required=False, prefill="answer.address"),
        f("details", "textarea", "補足事項", "Anything else we should know", required=False),
    ])]
    if members:
        steps.append(step("members", "一緒に届け出る世帯員", "Household members included", [
            f("member_name", "text", "氏名", "Full name"),
            f("member_kana", "kana", "氏名（フリガナ）", "Name in katakana"),
            f("member_birth", "date", "生年月日", "Date of birth"),
            f("member_relation", "select", "続柄", "Relationship", options=[
                opt("spouse", "配偶者", "Spouse"), opt("child", "子", "Child"), opt("parent", "父母", "Parent"), opt("other", "その他", "Other")]),
        ], repeat={"min": 0, "max": 8}))
    if document:
        steps.append(step("attachments", "添付書類", "Documents", [f("document", "file", document[0], document[1],
                          hint=L("PDF・JPEG・PNG、10MBまで。", "PDF, JPEG or PNG, up to 10 MB."))]))
    return steps


def benefit_form(document=None):
    steps = [applicant(), step("children", "対象のお子さん", "Children", [
        f("child_name", "text", "お子さんの氏名", "Child's name"),
        f("child_kana", "kana", "お子さんの氏名（フリガナ）", "Child's name in katakana"),
        f("child_birth", "date", "お子さんの生年月日", "Child's date of birth"),
    ], repeat={"min": 1, "max": 8}), step("bank", "振込先口座", "Bank account for payment", [
        f("bank_name", "text", "金融機関名", "Bank name"),
        f("branch_name", "text", "支店名", "Branch"),
        f("account_number", "text", "口座番号（7桁）", "Account number (7 digits)", max_length=7),
    ])]
    if document:
        steps.append(step("attachments", "添付書類", "Documents", [f("document", "file", document[0], document[1], required=False,
                          hint=L("PDF・JPEG・PNG、10MBまで。", "PDF, JPEG or PNG, up to 10 MB."))]))
    return steps


def reissue_form():
    return [applicant(), step("reissue", "再交付の理由", "Why you need a new one", [
        f("reason", "radio", "理由", "Reason", options=[opt("lost", "紛失", "Lost"), opt("damaged", "破損・汚損", "Damaged"), opt("other", "その他", "Other")]),
        f("reason_detail", "textarea", "理由の詳細", "Tell us more", show_if={"field": "reason", "equals": "other"}),
    ])]


def request_form(ja, en, options=None, document=None):
    fields = [f("details", "textarea", ja, en)]
    if options:
        fields.insert(0, f("choice", "radio", "申込区分", "Type", options=options))
    steps = [applicant(), step("request_details", "申込内容", "Your request", fields)]
    if document:
        steps.append(step("attachments", "添付書類", "Documents", [f("document", "file", document[0], document[1], required=False,
                          hint=L("PDF・JPEG・PNG、10MBまで。", "PDF, JPEG or PNG, up to 10 MB."))]))
    return steps


def permit_form(options):
    return [applicant(), step("site", "占用・使用の内容", "Where and what", [
        f("location", "address", "場所", "Location"),
        f("purpose", "textarea", "目的・内容", "Purpose"),
        f("size", "select", "占用面積", "Area", options=options),
        f("start_date", "date", "開始日", "Start date"),
        f("end_date", "date", "終了日", "End date"),
    ]), step("documents", "図面", "Plans", [f("plan", "file", "位置図・平面図", "Location map and plan",
              hint=L("PDF・JPEG・PNG、10MBまで。", "PDF, JPEG or PNG, up to 10 MB."))])]


def dog_form():
    return [applicant(), step("dog", "犬について", "About the dog", [
        f("dog_name", "text", "犬の名前", "Dog's name"),
        f("breed", "text", "犬種", "Breed"),
        f("dog_birth", "date", "生年月日", "Date of birth", required=False),
        f("dog_sex", "radio", "性別", "Sex", options=[opt("male", "オス", "Male"), opt("female", "メス", "Female")]),
        f("vaccinated", "yesno", "今年度の狂犬病予防注射を受けましたか", "Has it had this year's rabies vaccination?"),
        f("vaccination_date", "date", "注射日", "Vaccination date", show_if={"field": "vaccinated", "equals": "yes"}),
    ])]


def sodai_form():
    return [applicant(card=False), step("waste", "出すもの", "What you put out", [
        f("item_size", "radio", "品目の大きさ", "Size of the item", options=[
            opt("small", "小（最大辺50cm以下）400円", "Small (up to 50 cm) ¥400"),
            opt("medium", "中（180cm以下）1,200円", "Medium (up to 180 cm) ¥1,200"),
            opt("large", "大（180cm超）2,000円", "Large (over 180 cm) ¥2,000")]),
        f("item_name", "text", "品目名", "Item (e.g. sofa)"),
        f("collection_date", "date", "希望収集日", "Preferred collection day"),
        f("apartment", "yesno", "集合住宅ですか", "Do you live in an apartment building?"),
        f("floor", "number", "階数", "Floor", min=1, max=60, show_if={"field": "apartment", "equals": "yes"}),
    ])]


def class_form(sessions):
    return [applicant(card=False, short=True), step("booking", "申込内容", "Your choice", [
        f("session", "select", "希望する回", "Session", options=sessions),
        f("needs_help", "yesno", "手話通訳や介助が必要ですか", "Do you need sign language or assistance?"),
        f("help_detail", "textarea", "必要な配慮", "What you need", show_if={"field": "needs_help", "equals": "yes"}),
    ])]


ON, CARD, PRE, COUNTER = "online", "online_with_card", "online_prefill_then_counter", "counter_only"
KOSEKI_LAW = L("戸籍法により、届書の提出と窓口での本人確認が必要です。", "The Family Register Act requires the signed form and an identity check at the counter.")
JUKI_LAW = L("住民基本台帳法により、窓口での届出と本人確認（マイナンバーカードの継続利用手続を含む）が必要です。",
             "The Basic Resident Register Act requires you to notify in person with an identity check (including updating your My Number card).")
COPY = {"fee_kind": "per_copy", "fee_field": "copies", "fee_timing": "at_submission"}  # certificates: paid online when sent

# slug, department, ja, en, easy, channel, legal reason, level, fee, days, events, keywords, form
CATALOG = [
    ("juminhyo", "kumin", "住民票の写しの交付請求", "Certificate of residence (jūminhyō)", "じゅうみんひょう", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["certificates", "moving"], "じゅうみんひょう 住民票 写し 証明", cert_form(True)),
    ("juminhyo-kisai", "kumin", "住民票記載事項証明書の交付請求", "Certificate of resident register entries", "", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["certificates"], "じゅうみんひょう きさいじこう", cert_form()),
    ("juminhyo-joseki", "kumin", "住民票の除票の写しの交付請求", "Certificate of a removed resident record", "", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["certificates", "death"], "じょひょう 除票", cert_form()),
    ("inkan-shomei", "kumin", "印鑑登録証明書の交付", "Seal registration certificate", "いんかん しょうめい", COUNTER, L("江東区印鑑条例により、印鑑登録証（カード）の提示が必要です。マイナンバーカードでコンビニ交付も利用できます。", "The Koto seal ordinance requires the seal registration card to be shown. With a My Number card you can also get it at a convenience store."), 1, {"fee_kind": "fixed", "fee_amount": 300, "fee_timing": "at_counter"}, 1, ["certificates"], "いんかん 実印 印鑑証明", cert_form()),
    ("inkan-toroku", "kumin", "印鑑登録", "Seal registration", "いんかん とうろく", COUNTER, L("江東区印鑑条例により、本人確認と登録する印鑑の持参が必要です。", "The Koto seal ordinance requires an identity check and the seal itself."), 1, {"fee_kind": "fixed", "fee_amount": 200, "fee_timing": "at_counter"}, 1, ["certificates", "moving"], "いんかん 実印 登録", request_form("登録する印鑑について", "About the seal")),
    ("tennyu", "kumin", "転入届", "Moving into Koto City (notification)", "こうとうくに ひっこして きた", PRE, JUKI_LAW, 1, {}, 1, ["moving"], "てんにゅう 引越し 引っ越し 転入", notice_form(members=True)),
    ("tenshutsu", "kumin", "転出届", "Moving out of Koto City (notification)", "こうとうくから ひっこす", CARD, None, 2, {}, 2, ["moving"], "てんしゅつ 引越し 引っ越し 転出", notice_form(members=True)),
    ("tenkyo", "kumin", "転居届", "Moving within Koto City (notification)", "こうとうくの なかで ひっこす", PRE, JUKI_LAW, 1, {}, 1, ["moving"], "てんきょ 引越し 区内", notice_form(members=True)),
    ("setai-henko", "kumin", "世帯変更届（世帯主変更・世帯分離・世帯合併）", "Change of household", "", PRE, JUKI_LAW, 1, {}, 1, ["moving", "marriage"], "せたい 世帯主 分離", notice_form(members=True)),
    ("mynumber-card", "kumin", "マイナンバーカードの交付予約", "Booking to collect your My Number card", "マイナンバーカードを うけとる よやく", ON, None, 1, {}, 5, ["certificates"], "まいなんばー カード 交付", request_form("希望する受け取り日時", "Preferred date and time to collect")),
    ("koseki-zenbu", "koseki", "戸籍全部事項証明書（戸籍謄本）の交付請求", "Certificate of family register (all entries)", "こせき とうほん", CARD, None, 2, dict(COPY, fee_amount=450), 3, ["certificates", "marriage"], "こせき 謄本 戸籍", cert_form()),
    ("koseki-kojin", "koseki", "戸籍個人事項証明書（戸籍抄本）の交付請求", "Certificate of family register (one person)", "こせき しょうほん", CARD, None, 2, dict(COPY, fee_amount=450), 3, ["certificates"], "こせき 抄本 戸籍", cert_form()),
    ("koseki-fuhyo", "koseki", "戸籍の附票の写しの交付請求", "Copy of the family register supplement (address history)", "", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["certificates"], "ふひょう 附票", cert_form()),
    ("joseki", "koseki", "除籍・改製原戸籍謄本の交付請求", "Certificate of a closed family register", "", CARD, None, 2, dict(COPY, fee_amount=750), 5, ["certificates", "death"], "じょせき かいせいげんこせき 原戸籍", cert_form()),
    ("shussei", "koseki", "出生届", "Birth registration", "あかちゃんが うまれた とどけ", PRE, KOSEKI_LAW, 1, {}, 1, ["birth"], "しゅっせい 出産 赤ちゃん", notice_form(document=("出生証明書", "Birth certificate from the hospital"))),
    ("konin", "koseki", "婚姻届", "Marriage registration", "けっこんの とどけ", PRE, KOSEKI_LAW, 1, {}, 1, ["marriage"], "こんいん 結婚", notice_form()),
    ("rikon", "koseki", "離婚届", "Divorce registration", "りこんの とどけ", PRE, KOSEKI_LAW, 1, {}, 1, ["marriage"], "りこん 離婚", notice_form()),
    ("shibo", "koseki", "死亡届", "Death registration", "なくなった ときの とどけ", PRE, L("戸籍法第86条により、医師の死亡診断書（原本）を添えた届出が必要です。", "Article 86 of the Family Register Act requires the original medical death certificate."), 1, {}, 1, ["death"], "しぼう 死亡 おくやみ", notice_form()),
    ("kokuho-kanyu", "iryohoken", "国民健康保険の加入の届出", "Joining National Health Insurance", "こくみん けんこう ほけんに はいる", CARD, None, 2, {}, 5, ["health", "moving", "work"], "こくほ 国保 加入 健康保険", notice_form(members=True)),
    ("kokuho-dattai", "iryohoken", "国民健康保険の脱退の届出", "Leaving National Health Insurance", "こくみん けんこう ほけんを やめる", CARD, None, 2, {}, 5, ["health", "work"], "こくほ 国保 脱退 やめる", notice_form(members=True, document=("勤務先の健康保険の資格情報", "Proof of your employer's health insurance"))),
    ("kokuho-kogaku", "iryohoken", "国民健康保険 高額療養費の支給申請", "National Health Insurance: high medical cost refund", "", CARD, None, 2, {}, 60, ["health"], "こうがく りょうようひ 医療費", request_form("受診した医療機関と期間", "Hospital and period of treatment", document=("領収書", "Receipts"))),
    ("kokuho-sosai", "iryohoken", "国民健康保険 葬祭費の支給申請", "National Health Insurance: funeral grant", "", CARD, None, 2, {}, 30, ["death", "health"], "そうさいひ 葬祭", request_form("亡くなった方と葬儀の日", "The deceased and date of the funeral", document=("会葬礼状または葬儀の領収書", "Funeral receipt or thank-you card"))),
    ("kokuho-kakuninsho", "iryohoken", "国民健康保険 資格確認書の再交付", "National Health Insurance: new eligibility certificate", "", ON, None, 1, {}, 5, ["health"], "しかく かくにんしょ 再交付 保険証", reissue_form()),
    ("koki-kakuninsho", "iryohoken", "後期高齢者医療 資格確認書の再交付", "Medical care for the elderly (75+): new eligibility certificate", "", ON, None, 1, {}, 5, ["health", "elderly"], "こうき こうれいしゃ 後期高齢者 保険証", reissue_form()),
    ("koki-sosai", "iryohoken", "後期高齢者医療 葬祭費の支給申請", "Medical care for the elderly (75+): funeral grant", "", CARD, None, 2, {}, 30, ["death", "elderly"], "こうき そうさいひ", request_form("亡くなった方と葬儀の日", "The deceased and date of the funeral")),
    ("nenkin-shutoku", "nenkin", "国民年金 第1号被保険者の資格取得届", "Joining the National Pension (category 1)", "ねんきんに はいる", CARD, None, 2, {}, 10, ["work", "moving"], "ねんきん 年金 加入", notice_form()),
    ("nenkin-menjo", "nenkin", "国民年金保険料の免除・納付猶予の申請", "Exemption from National Pension contributions", "ねんきんの おかねを はらわなくて よい もうしこみ", CARD, None, 2, {}, 60, ["work"], "ねんきん 免除 猶予", request_form("申請する年度と理由", "Year and reason")),
    ("nenkin-gakusei", "nenkin", "国民年金 学生納付特例の申請", "National Pension: student deferral", "", CARD, None, 2, {}, 60, ["school"], "ねんきん 学生 特例", request_form("在学している学校", "Your school", document=("学生証の写し", "Copy of your student ID"))),
    ("kazei-shomei", "zeimu", "住民税 課税（非課税）証明書の交付請求", "Resident tax certificate (taxable income)", "ぜいきんの しょうめい", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["tax", "certificates"], "かぜい 非課税 所得 証明 住民税", cert_form()),
    ("nozei-shomei", "zeimu", "住民税 納税証明書の交付請求", "Resident tax payment certificate", "", CARD, None, 2, dict(COPY, fee_amount=300), 3, ["tax", "certificates"], "のうぜい 納税 証明 住民税", cert_form()),
    ("keiji-genmen", "zeimu", "軽自動車税（種別割）の減免申請", "Light vehicle tax reduction", "", CARD, None, 2, {}, 20, ["tax", "disability"], "けいじどうしゃ 軽自動車 減免", request_form("車両番号と減免の理由", "Vehicle number and reason", document=("障害者手帳の写し", "Copy of disability certificate"))),
    ("jumin-shinkoku", "zeimu", "住民税（特別区民税・都民税）の申告", "Resident tax return", "", ON, None, 1, {}, 30, ["tax"], "しんこく 申告 住民税", request_form("収入と控除の内容", "Income and deductions", document=("源泉徴収票", "Withholding tax slip"))),
    ("kaigo-nintei", "kaigo", "要介護・要支援認定の申請", "Application for care-need certification", "かいごが ひつような ひとの もうしこみ", CARD, None, 2, {}, 30, ["elderly"], "かいご 介護 認定 要支援", request_form("主治医と心身の状況", "Your doctor and condition")),
    ("kaigo-hokensho", "kaigo", "介護保険被保険者証の再交付", "New long-term care insurance card", "", ON, None, 1, {}, 5, ["elderly"], "かいご 保険証 再交付", reissue_form()),
    ("kaigo-gendogaku", "kaigo", "介護保険負担限度額認定の申請", "Care insurance: cost ceiling for meals and stays", "", CARD, None, 2, {}, 30, ["elderly"], "かいご 負担限度額", request_form("預貯金の状況", "Savings", document=("通帳の写し", "Copy of bank book"))),
    ("shogai-techo", "shogai", "身体障害者手帳の交付申請", "Physical disability certificate", "しょうがいしゃ てちょう", COUNTER, None, 1, {}, 45, ["disability"], "しょうがい 手帳 身体", request_form("障害の状況", "About the disability")),
    ("jiritsu-shien", "shogai", "自立支援医療（精神通院医療）の申請", "Medical support for outpatient mental-health care", "", CARD, None, 2, {}, 45, ["disability", "health"], "じりつしえん 精神 通院", request_form("通院先の医療機関", "Hospital or clinic", document=("診断書", "Doctor's certificate"))),
    ("tokubetsu-shogai", "shogai", "特別障害者手当の申請", "Special allowance for persons with severe disabilities", "", CARD, None, 2, {}, 45, ["disability"], "とくべつ 手当 障害", request_form("障害の状況", "About the disability")),
    ("kinkyu-tsuho", "choju", "高齢者緊急通報システムの申込", "Emergency alarm system for older people", "", ON, None, 1, {}, 14, ["elderly"], "きんきゅう 通報 見守り", request_form("緊急連絡先と心身の状況", "Emergency contact and health")),
    ("omutsu", "choju", "紙おむつの支給申請", "Free incontinence pads for older people", "", ON, None, 1, {}, 14, ["elderly"], "おむつ 紙おむつ", request_form("必要な種類", "What kind you need")),
    ("haishoku", "choju", "配食サービスの申込", "Meal delivery for older people", "おべんとうを とどける サービス", ON, None, 1, {}, 14, ["elderly"], "はいしょく 食事 配達", request_form("食事の制限やアレルギー", "Diet restrictions and allergies")),
    ("jido-teate", "kosodate", "児童手当の認定請求", "Child allowance application", "こどもの てあて", CARD, None, 2, {}, 30, ["birth", "childcare", "moving"], "じどうてあて 児童手当 手当", benefit_form(("健康保険の資格情報", "Health insurance details"))),
    ("jido-teate-kaitei", "kosodate", "児童手当の額改定請求", "Child allowance: change of amount", "", CARD, None, 2, {}, 30, ["birth", "childcare"], "じどうてあて 額改定", benefit_form()),
    ("kodomo-iryo", "kosodate", "子ども医療証（マル乳・マル子）の交付申請", "Child medical expense card", "こどもの いりょうしょう", CARD, None, 2, {}, 10, ["birth", "childcare", "moving"], "いりょうしょう まる乳 マル子 医療証", benefit_form(("健康保険の資格情報", "Health insurance details"))),
    ("jido-fuyo", "kosodate", "児童扶養手当の認定請求", "Child-rearing allowance for single parents", "", COUNTER, None, 1, {}, 60, ["childcare", "marriage"], "じどうふよう ひとり親", request_form("世帯の状況", "Household situation")),
    ("ninshin", "kosodate", "妊娠の届出", "Pregnancy notification", "にんしんの とどけ", CARD, None, 2, {}, 5, ["birth"], "にんしん 妊娠 母子手帳", request_form("出産予定日と医療機関", "Due date and hospital")),
    ("gakudo", "kosodate", "学童クラブの入会申請", "After-school club (gakudō) application", "がくどう クラブ", ON, None, 1, {}, 30, ["school", "childcare"], "がくどう 学童 放課後", benefit_form(("就労証明書", "Proof of employment"))),
    ("hoiku-nyuen", "hoiku", "保育園の入園申込", "Nursery school (hoikuen) application", "ほいくえんに はいる もうしこみ", CARD, None, 2, {}, 60, ["school", "childcare"], "ほいくえん 保育園 入園 保活", benefit_form(("就労証明書", "Proof of employment"))),
    ("hoiku-taien", "hoiku", "保育園の退園届", "Leaving a nursery school", "", ON, None, 1, {}, 10, ["school", "childcare", "moving"], "ほいくえん 退園", notice_form()),
    ("hoiku-tenen", "hoiku", "保育園の転園申請", "Changing nursery school", "", CARD, None, 2, {}, 60, ["school", "childcare"], "ほいくえん 転園", benefit_form()),
    ("ichiji-hoiku", "hoiku", "一時保育の利用申請", "Occasional childcare", "", ON, None, 1, {}, 7, ["childcare"], "いちじほいく 一時保育 預かり", benefit_form()),
    ("sodai-gomi", "seiso", "粗大ごみの収集申込", "Collection of oversized waste (sodai gomi)", "おおきい ごみを だす もうしこみ", ON, None, 0, {"fee_kind": "by_option", "fee_field": "item_size", "fee_amount": 400, "fee_options": {"small": 400, "medium": 1200, "large": 2000}, "fee_timing": "after_approval"}, 7, ["home", "moving"], "そだいごみ 粗大ごみ 家具 ごみ", sodai_form()),
    ("fureai-shushu", "seiso", "ふれあい収集（戸別訪問収集）の申込", "Door-to-door waste collection for people who need help", "", ON, None, 1, {}, 14, ["home", "elderly", "disability"], "ふれあい 収集 ごみ", request_form("ごみ出しが難しい理由", "Why taking out waste is hard")),
    ("jigyo-gomi", "seiso", "事業系ごみの収集申込", "Collection of business waste", "", ON, None, 1, {}, 7, ["business", "home"], "じぎょうけい ごみ 事業", request_form("事業所と排出量", "Business and amount")),
    ("doro-senyo", "doboku", "道路占用許可申請", "Permit to occupy a road", "", ON, None, 1, {}, 14, ["business"], "どうろ せんよう 占用 道路", permit_form([opt("s", "1㎡未満", "Under 1 m²"), opt("m", "1〜10㎡", "1–10 m²"), opt("l", "10㎡超", "Over 10 m²")])),
    ("jitensha-henkan", "doboku", "撤去自転車の返還", "Getting back a removed bicycle", "", COUNTER, L("江東区自転車の放置防止条例により、保管所での本人確認と引渡しが必要です。", "The Koto bicycle ordinance requires an identity check and handover at the storage site."), 1, {"fee_kind": "fixed", "fee_amount": 3000, "fee_timing": "at_counter"}, 1, ["home"], "じてんしゃ 撤去 放置自転車", request_form("自転車の特徴と防犯登録番号", "Bicycle description and registration number")),
    ("churin-teiki", "doboku", "区営駐輪場の定期利用申込", "Season pass for a ward bicycle park", "", ON, None, 1, {"fee_kind": "fixed", "fee_amount": 1800, "fee_timing": "at_submission"}, 7, ["home", "moving"], "ちゅうりんじょう 駐輪場 定期", request_form("希望する駐輪場", "Preferred bicycle park")),
    ("kyokai-kakunin", "doboku", "道路境界確認の申請", "Road boundary confirmation", "", ON, None, 1, {}, 30, ["business", "home"], "きょうかい 境界 道路", permit_form([opt("s", "100㎡未満", "Under 100 m²"), opt("m", "100〜500㎡", "100–500 m²"), opt("l", "500㎡超", "Over 500 m²")])),
    ("koen-senyo", "koen", "公園占用許可申請", "Permit to occupy a park", "", ON, None, 1, {}, 14, ["business"], "こうえん 公園 占用", permit_form([opt("s", "1㎡未満", "Under 1 m²"), opt("m", "1〜10㎡", "1–10 m²"), opt("l", "10㎡超", "Over 10 m²")])),
    ("koen-shiyo", "koen", "公園使用（行為）許可申請", "Permit to use a park for an event", "こうえんで イベントを する", ON, None, 1, {}, 14, ["business"], "こうえん 公園 イベント 使用", permit_form([opt("s", "100㎡未満", "Under 100 m²"), opt("m", "100〜500㎡", "100–500 m²"), opt("l", "500㎡超", "Over 500 m²")])),
    ("kasen-senyo", "koen", "河川・運河の占用許可申請", "Permit to occupy a river or canal", "", COUNTER, None, 1, {}, 30, ["business"], "かせん 河川 運河", request_form("場所と目的", "Place and purpose")),
    ("inu-toroku", "seikatsu-eisei", "犬の登録", "Dog registration", "いぬの とうろく", ON, None, 1, {"fee_kind": "fixed", "fee_amount": 3000, "fee_timing": "at_submission"}, 7, ["pets"], "いぬ 犬 登録 ペット", dog_form()),
    ("kyokenbyo", "seikatsu-eisei", "狂犬病予防注射済票の交付", "Rabies vaccination tag", "", ON, None, 1, {"fee_kind": "fixed", "fee_amount": 550, "fee_timing": "at_submission"}, 7, ["pets"], "きょうけんびょう 狂犬病 注射", dog_form()),
    ("inu-shibo", "seikatsu-eisei", "犬の死亡届", "Notification of a dog's death", "", ON, None, 1, {}, 5, ["pets"], "いぬ 犬 死亡", dog_form()),
    ("eigyo-kyoka", "seikatsu-eisei", "飲食店営業許可申請", "Restaurant business licence", "", ON, None, 1, {"fee_kind": "fixed", "fee_amount": 18300, "fee_timing": "at_submission"}, 14, ["business"], "いんしょくてん 飲食店 営業許可 食品", request_form("施設の所在地と営業の内容", "Premises and business", document=("施設の平面図", "Floor plan"))),
    ("yushi-assen", "keizai", "中小企業融資のあっせん申込", "Loan mediation for small businesses", "", CARD, None, 2, {}, 20, ["business"], "ゆうし 融資 あっせん 中小企業", request_form("融資の目的と希望額", "Purpose and amount", document=("決算書", "Financial statements"))),
    ("shotengai-hojo", "keizai", "商店街イベント事業補助金の交付申請", "Subsidy for shopping-street events", "", ON, None, 1, {}, 30, ["business"], "ほじょきん 補助金 商店街", request_form("事業の内容と経費", "Event and costs", document=("事業計画書", "Event plan"))),
    ("sogyo-shomei", "keizai", "特定創業支援等事業の証明書交付申請", "Start-up support certificate", "", ON, None, 1, {}, 10, ["business", "work"], "そうぎょう 創業 起業", request_form("受講した創業支援事業", "Start-up course you attended")),
    ("sumaho-kyoshitsu", "dx", "スマートフォン教室の申込", "Smartphone class booking", "スマホの つかいかたを ならう", ON, None, 0, {}, 3, ["elderly"], "すまほ スマホ スマートフォン 教室", class_form([opt("basic", "はじめてのスマホ", "Smartphone basics"), opt("mynumber", "マイナンバーカードの使い方", "Using your My Number card"), opt("apps", "アプリの使い方", "Using apps")])),
    ("opendata-yobo", "dx", "オープンデータ公開の要望", "Request for open data", "", ON, None, 0, {}, 30, ["business"], "おーぷんでーた オープンデータ", class_form([opt("stats", "統計", "Statistics"), opt("facilities", "施設", "Facilities"), opt("other", "その他", "Other")])),
    ("kanpu", "kaikei", "過誤納金の還付請求", "Refund of overpaid fees", "", CARD, None, 2, {}, 30, ["tax"], "かんぷ 還付 返金", benefit_form()),
    ("koza-toroku", "kaikei", "支払金口座振替依頼（債権者登録）", "Registering a bank account for ward payments", "", ON, None, 1, {}, 10, ["business"], "こうざ 口座 債権者", request_form("登録する口座と事業者名", "Account and business name")),
]

SUMMARY = {
    ON: L("オンラインで申請できます。", "You can apply online."),
    CARD: L("マイナンバーカードでサインインすると、オンラインで申請できます。", "You can apply online after signing in with your My Number card."),
    PRE: L("オンラインで事前に入力し、窓口で手続を完了します（書かない窓口）。", "Fill in online beforehand, then finish at the counter without writing again."),
    COUNTER: L("窓口で手続します。事前に入力しておくと、窓口で書かずに済みます。", "Done at the counter. Fill in beforehand so you do not have to write there."),
}


def load():
    actor = Actor.system("procedures demo")
    departments = {d.code: d for d in municipality.departments()}
    for slug, dept, ja, en, easy, channel, reason, level, fee, days, events, keywords, form_steps in CATALOG:
        procedure = Procedure.objects.filter(slug=slug).first() or Procedure(slug=slug)
        procedure.department = departments[dept]
        procedure.name = L(ja, en, easy)
        procedure.summary = SUMMARY[channel]
        procedure.eligibility = L("江東区に住民登録がある方（代理人の場合は委任状が必要）。", "People registered as Koto residents (an agent needs a letter of authorisation).")
        procedure.requirements = L("本人確認のため、マイナンバーカードでのサインイン（または窓口で本人確認書類）。", "Sign in with your My Number card (or show ID at the counter).")
        procedure.legal_basis = L("関係法令及び江東区の条例・規則", "The relevant national laws and Koto City ordinances")
        procedure.channel = channel
        procedure.offline_legal_reason = reason or {}
        procedure.assurance_level = level
        procedure.fee_kind = fee.get("fee_kind", "none")
        procedure.fee_amount = fee.get("fee_amount", 0)
        procedure.fee_field = fee.get("fee_field", "")
        procedure.fee_options = fee.get("fee_options", {})
        procedure.fee_timing = fee.get("fee_timing", "at_submission")
        procedure.processing_days = days
        procedure.life_events = events
        procedure.keywords = keywords
        procedure.search_key = procedure.make_search_key()
        procedure.save()
        if not procedure.versions.exists():
            create_published(procedure, {"schema": 1, "steps": form_steps, "declaration": DECLARATION}, actor=actor)
