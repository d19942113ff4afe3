"""Koto demo services to book: counter procedures, consultations (also by video) and smartphone classes."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from smartkoto.core.i18n import both
from smartkoto.municipality import queries as municipality

from .models import OpeningWave, Service
from .services import TOKYO

BRANCHES = ["shirakawa", "tomioka", "toyosu", "komatsubashi", "higashiojima", "ojima", "sunamachi", "minamisuna"]


def _p(code, ja, en):
    return {"code": code, "label": both(ja, en)}


SERVICES = [
    dict(code="jumin-ido", kind="counter", order=10, department_code="kumin", capacity=3, slot_minutes=30, buffer_minutes=0,
         horizon_days=30, counter_type_code="ido", offices=["honchosha", *BRANCHES],
         name=both("住所変更の届出（転入・転居・転出）", "Change of address (moving in, within or out of Koto)"),
         description=both("引越しの届出と、関係する手続きをまとめて予約できます。", "Report a move and book the related procedures in one visit."),
         procedures=[_p("tennyu", "転入届", "Moving-in notification"), _p("tenkyo", "転居届", "Moving within Koto"),
                     _p("tenshutsu", "転出届", "Moving-out notification"), _p("mynumber-address", "マイナンバーカードの住所変更", "Address change on the My Number card"),
                     _p("kokuho", "国民健康保険の手続き", "National Health Insurance"), _p("jido-teate", "児童手当の手続き", "Child allowance")]),
    dict(code="mynumber-card", kind="counter", order=20, department_code="koseki", capacity=4, slot_minutes=15, buffer_minutes=0,
         horizon_days=30, counter_type_code="card", offices=["honchosha", "toyosu", "ojima"],
         name=both("マイナンバーカードの受け取り・更新", "My Number card: collection and renewal"),
         description=both("交付通知書と本人確認書類をお持ちください。", "Bring the notice you received and an identity document."),
         procedures=[_p("card-receive", "カードの受け取り", "Collect the card"), _p("card-renew", "電子証明書の更新", "Renew the electronic certificates")]),
    dict(code="kosodate-soudan", kind="consultation", order=30, department_code="kosodate", capacity=1, slot_minutes=45, buffer_minutes=15,
         horizon_days=45, counter_type_code="", offices=["honchosha"],
         name=both("子育て相談（窓口）", "Child-rearing consultation (in person)"),
         description=both("保育園・手当・子育ての悩みを相談できます。", "Talk about nursery schools, allowances and raising children."), procedures=[]),
    dict(code="online-kaigo", kind="online", order=40, department_code="kaigo", capacity=2, slot_minutes=30, buffer_minutes=10,
         horizon_days=30, counter_type_code="", offices=["honchosha"], video_link_base="https://meet.city.koto.example.jp/room",
         name=both("オンライン介護相談（ビデオ通話）", "Online long-term care consultation (video call)"),
         description=both("自宅からスマートフォンやパソコンで相談できます。", "Consult from home on a smartphone or computer."), procedures=[]),
    dict(code="smartphone-class", kind="class", order=50, department_code="dx", capacity=10, slot_minutes=90, buffer_minutes=30,
         horizon_days=60, counter_type_code="", offices=["honchosha", "toyosu", "ojima"],
         name=both("高齢者向けスマートフォン教室", "Smartphone class for older residents"),
         description=both("電話のかけ方から、マイナンバーカードを使ったオンライン申請まで、少人数で学べます。",
                          "Learn in a small group, from making calls to applying online with the My Number card."),
         procedures=[_p("basic", "基本操作", "Basics"), _p("online-application", "オンライン申請", "Online applications")]),
]


def load():
    for spec in SERVICES:
        spec = dict(spec)
        offices = spec.pop("offices")
        service, _created = Service.objects.update_or_create(code=spec.pop("code"), defaults=spec)
        service.offices.set(municipality.offices().filter(code__in=offices))
    smartphone = Service.objects.get(code="smartphone-class")
    if not smartphone.waves.exists():
        today = timezone.localtime(timezone.now(), TOKYO).date()
        OpeningWave.objects.create(service=smartphone, label=both("65歳以上の方（先行受付）", "Residents aged 65 and over (early booking)"),
                                   born_until=today.year - 65, opens_at=datetime.combine(today - timedelta(days=1), time(9), TOKYO))
        OpeningWave.objects.create(service=smartphone, label=both("どなたでも", "Everyone"),
                                   opens_at=datetime.combine(today + timedelta(days=7), time(9), TOKYO))
