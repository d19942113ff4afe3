"""Ward fees (手数料) staff can issue payment slips for, and the Koto demo data of this app.

Amounts are integer yen. 粗大ごみ is charged per item (the fee differs by item size).
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

FEES_BY_CODE = {code: {"code": code, "department": dept, "name": name, "unit_yen": unit, "unit": unit_name}
                for code, dept, name, unit, unit_name in FEES}


def fee(code):
    return FEES_BY_CODE[code]


DEMO_SLIPS = [
    # number, check code, fee, quantity
    ("1308300000000017", "482913", "juminhyo-copy", 2),
    ("1308300000000025", "730155", "sodai-medium", 3),
]


def load():
    """Two issued slips residents can pay on /payments/slip/ in the demo."""
    from . import slips

    for number, check_code, code, quantity in DEMO_SLIPS:
        slips.issue(code, quantity, number=number, check_code=check_code)
