"""The Koto demo data of this app: Koto's ward fees (手数料) loaded into the fee table (`Fee`, edited by staff
on /staff/payments/fees/), and two issued payment slips.

Amounts are integer yen. 粗大ごみ is charged per item (the fee differs by item size). Nothing else reads this
module: the fee table is data, read through `payments.queries`.
"""

from smartkoto.core.i18n import both

# code, department, name, unit amount, unit name
FEES = [
    ("juminhyo-copy", "kumin", both("住民票の写し", "Certificate of residence (copy)"), 300, both("通", "copy")),
    ("inkan-certificate", "kumin", both("印鑑登録証明書", "Seal registration certificate"), 300, both("通", "copy")),
    ("koseki-copy", "koseki", both("戸籍全部事項証明書", "Family register certificate"), 450, both("通", "copy")),
    ("tax-certificate", "zeimu", both("住民税課税（非課税）証明書", "Resident tax certificate"), 300, both("通", "copy")),
    ("sodai-small", "seiso", both("粗大ごみ処理手数料（小）", "Bulky waste collection fee (small item)"), 400, both("点", "item")),
    ("sodai-medium", "seiso", both("粗大ごみ処理手数料（中）", "Bulky waste collection fee (medium item)"), 800, both("点", "item")),
    ("sodai-large", "seiso", both("粗大ごみ処理手数料（大）", "Bulky waste collection fee (large item)"), 1600, both("点", "item")),
]


DEMO_SLIPS = [
    # number, check code, fee, quantity
    ("1308300000000017", "482913", "juminhyo-copy", 2),
    ("1308300000000025", "730155", "sodai-medium", 3),
]


def load_fees():
    """Koto's fees as rows of the fee table."""
    from smartkoto.core.actor import Actor

    from . import services

    services.load_fees(FEES, actor=Actor.system("payments.demo"))


def load():
    """Koto's fee table and two issued slips residents can pay on /payments/slip/ in the demo."""
    from smartkoto.core.actor import Actor

    from . import slips

    load_fees()
    actor = Actor.system("payments.demo")
    for number, check_code, code, quantity in DEMO_SLIPS:
        slips.issue(code, quantity, actor=actor, number=number, check_code=check_code)
