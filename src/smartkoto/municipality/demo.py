"""Koto City as demo data: the ward profile, its departments (課) and offices (本庁舎と8出張所).

Office addresses are given to the town (町) level; confirm exact street numbers before real use.
"""

from smartkoto.core.i18n import both

from .models import Department, Municipality, Office

DEPARTMENTS = [
    # code, ja, en, division ja, division en, floor ja, floor en
    ("kumin", "区民課", "Residents Section", "区民部", "Residents Division", "本庁舎2階", "Main office, 2F"),
    ("koseki", "戸籍住民課", "Family Register Section", "区民部", "Residents Division", "本庁舎2階", "Main office, 2F"),
    ("iryohoken", "医療保険課", "Health Insurance Section", "区民部", "Residents Division", "本庁舎2階", "Main office, 2F"),
    ("nenkin", "国民年金係", "National Pension Unit", "区民部", "Residents Division", "本庁舎2階", "Main office, 2F"),
    ("zeimu", "税務課", "Taxation Section", "区民部", "Residents Division", "本庁舎3階", "Main office, 3F"),
    ("kaigo", "介護保険課", "Long-term Care Insurance Section", "福祉部", "Welfare Division", "本庁舎3階", "Main office, 3F"),
    ("shogai", "障害者支援課", "Disability Support Section", "福祉部", "Welfare Division", "本庁舎3階", "Main office, 3F"),
    ("choju", "長寿応援課", "Senior Citizens Section", "福祉部", "Welfare Division", "本庁舎3階", "Main office, 3F"),
    ("kosodate", "子育て支援課", "Child-rearing Support Section", "こども未来部", "Children's Future Division", "本庁舎4階", "Main office, 4F"),
    ("hoiku", "保育課", "Childcare Section", "こども未来部", "Children's Future Division", "本庁舎4階", "Main office, 4F"),
    ("seiso", "清掃事務所", "Waste Collection Office", "環境清掃部", "Environment and Waste Division", "清掃事務所", "Waste Collection Office"),
    ("doboku", "道路課", "Roads Section", "土木部", "Civil Engineering Division", "本庁舎5階", "Main office, 5F"),
    ("koen", "公園河川課", "Parks and Rivers Section", "土木部", "Civil Engineering Division", "本庁舎5階", "Main office, 5F"),
    ("seikatsu-eisei", "生活衛生課", "Public Health Section", "健康部", "Health Division", "江東区保健所", "Koto Public Health Center"),
    ("keizai", "経済課", "Economy Section", "地域振興部", "Community Development Division", "本庁舎4階", "Main office, 4F"),
    ("dx", "DX推進課", "Digital Transformation Promotion Section", "政策経営部", "Policy Management Division", "本庁舎6階", "Main office, 6F"),
    ("kaikei", "会計管理室", "Accounting Office", "会計管理室", "Accounting Office", "本庁舎1階", "Main office, 1F"),
]

OFFICES = [
    # code, kind, ja, en, town ja, town en, postal, lat, lon
    ("honchosha", "main", "江東区役所 本庁舎", "Koto City Office (main building)", "東京都江東区東陽四丁目11番28号", "4-11-28 Toyo, Koto-ku, Tokyo", "135-8383", "35.672854", "139.817410"),
    ("shirakawa", "branch", "白河出張所", "Shirakawa Branch Office", "東京都江東区白河", "Shirakawa, Koto-ku, Tokyo", "135-0021", "35.682000", "139.801000"),
    ("tomioka", "branch", "富岡出張所", "Tomioka Branch Office", "東京都江東区富岡", "Tomioka, Koto-ku, Tokyo", "135-0047", "35.670000", "139.800000"),
    ("toyosu", "branch", "豊洲出張所", "Toyosu Branch Office", "東京都江東区豊洲", "Toyosu, Koto-ku, Tokyo", "135-0061", "35.654000", "139.796000"),
    ("komatsubashi", "branch", "小松橋出張所", "Komatsubashi Branch Office", "東京都江東区北砂", "Kitasuna, Koto-ku, Tokyo", "136-0073", "35.681000", "139.826000"),
    ("higashiojima", "branch", "東大島出張所", "Higashi-Ojima Branch Office", "東京都江東区大島", "Ojima, Koto-ku, Tokyo", "136-0072", "35.690000", "139.845000"),
    ("ojima", "branch", "大島出張所", "Ojima Branch Office", "東京都江東区大島", "Ojima, Koto-ku, Tokyo", "136-0072", "35.689000", "139.832000"),
    ("sunamachi", "branch", "砂町出張所", "Sunamachi Branch Office", "東京都江東区北砂", "Kitasuna, Koto-ku, Tokyo", "136-0073", "35.677000", "139.834000"),
    ("minamisuna", "branch", "南砂出張所", "Minamisuna Branch Office", "東京都江東区南砂", "Minamisuna, Koto-ku, Tokyo", "136-0076", "35.666000", "139.830000"),
]


def load():
    """Create or update the Koto profile, departments and offices. Safe to run again."""
    Municipality.objects.update_or_create(
        code="131083",
        defaults={
            "name": both("江東区", "Koto City"),
            "service_name": both("Smart KOTO 江東区オンライン窓口", "Smart KOTO — Koto City online services"),
            "address": both("東京都江東区東陽四丁目11番28号", "4-11-28 Toyo, Koto-ku, Tokyo"),
            "postal_code": "135-8383",
            "phone": "03-3647-9111",
            "website": "https://www.city.koto.lg.jp/",
            "opening_hours": both("平日 8時30分から17時まで（土日・祝日・12月29日から1月3日は休み）",
                                  "Weekdays 8:30–17:00 (closed weekends, national holidays and 29 Dec – 3 Jan)"),
        },
    )
    for code, ja, en, div_ja, div_en, loc_ja, loc_en in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code,
            defaults={"name": both(ja, en), "division": both(div_ja, div_en), "location": both(loc_ja, loc_en),
                      "phone": "03-3647-9111", "email": f"{code}@city.koto.example.jp",
                      "keeps_ledger": code == "kaikei"},
        )
    for code, kind, ja, en, addr_ja, addr_en, postal, lat, lon in OFFICES:
        Office.objects.update_or_create(
            code=code,
            defaults={"kind": kind, "name": both(ja, en), "address": both(addr_ja, addr_en),
                      "postal_code": postal, "phone": "03-3647-9111", "latitude": lat, "longitude": lon},
        )
