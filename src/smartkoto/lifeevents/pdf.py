"""A4 PDFs with the built-in Japanese CID fonts: the personal checklist and the prefilled official form
printed at the counter (届書), with a box for the counter's identity check."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from reportlab.lib.units import mm

from smartkoto.core.i18n import tr
from smartkoto.core.pdf import GOTHIC, MINCHO, FlowingText
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import formschema

def _document(title):
    return FlowingText(title, author=tr(municipality.profile()["service_name"], "ja"))


def checklist(checklist, rows):
    """The personal checklist, in the reader's language (Japanese names kept beside English ones)."""
    page = _document(f"{tr(checklist.life_event.name)} — {_('Your checklist')}")
    page.text(tr(municipality.profile()["service_name"]) or municipality.name(), GOTHIC, 9)
    page.space(2)
    page.text(f"{tr(checklist.life_event.name)}: {_('Your checklist')}", GOTHIC, 16)
    page.text(_("Made on %(date)s") % {"date": formschema.format_date(timezone.localdate(checklist.created_at))}, MINCHO, 9)
    page.space()
    for index, row in enumerate(rows, 1):
        mark = "■" if row.done else "□"
        page.text(f"{mark} {index}. {tr(row.procedure.name)}", GOTHIC, 12)
        page.text(f"{_('How')}: {MODE_TEXT()[row.mode]}", indent=6 * mm)
        if row.due_on:
            page.text(f"{_('Deadline')}: {formschema.format_date(row.due_on)} {tr(row.deadline_note)}", indent=6 * mm)
        elif row.deadline_note:
            page.text(f"{_('Deadline')}: {tr(row.deadline_note)}", indent=6 * mm)
        if row.bring:
            page.text(f"{_('What to bring')}: {tr(row.bring)}", indent=6 * mm)
        where = tr(row.procedure.department.name) + " (" + tr(row.procedure.department.location) + ")"
        if row.offices:
            where += " / " + ", ".join(tr(o.name) for o in row.offices)
        page.text(f"{_('Where')}: {where}", indent=6 * mm)
        if row.when:
            page.text(f"{pgettext('opening hours', 'When')}: {tr(row.when)}", indent=6 * mm)
        fee = _("Free") if not row.fee else (_("¥%(amount)s per copy") if row.fee_per_copy else _("¥%(amount)s")) % {"amount": f"{row.fee:,}"}
        page.text(f"{_('Fee')}: {fee}", indent=6 * mm)
        page.space(3)
    return page.finish()


def MODE_TEXT():
    return {"online": _("Online now"), "pre_entry": _("Fill in beforehand, then the counter"), "counter": _("At the counter only")}


DOCUMENTS = {"mynumber_card": "マイナンバーカード", "driving_licence": "運転免許証", "passport": "旅券", "residence_card": "在留カード", "other": "その他"}


def official_form(entry, procedure, summary, staff):
    """The official form prefilled from the pre-entry (Japanese, as the ward's forms are), A4."""
    with override("ja"):
        page = _document(f"{tr(procedure.name, 'ja')}（事前入力）")
        page.text(f"{municipality.name('ja')}長 殿", GOTHIC, 11)
        page.space(2)
        page.text(tr(procedure.name, "ja"), GOTHIC, 20)
        page.text(f"{tr(procedure.department.name, 'ja')}　{tr(procedure.department.location, 'ja')}", GOTHIC, 9)
        page.text(f"受付日 {formschema.format_date(timezone.localdate())}　事前入力番号 {entry.public_id.hex[:8].upper()}", MINCHO, 9)
        page.space(3)
        for step, rows in summary:
            page.room(14 * mm)
            page.text(f"■ {tr(step['title'], 'ja')}", GOTHIC, 11)
            page.space(1)
            for index, row in enumerate(rows):
                if len(rows) > 1:
                    page.text(f"（{index + 1}）", GOTHIC, 9)
                for field, value in row:
                    page.box_row(tr(field["label"], "ja"), value)
            page.space(3)
        page.room(40 * mm)
        page.text("■ 窓口記入欄（職員が記入）", GOTHIC, 11)
        page.space(1)
        checked = ""
        if entry.identity_checked_at:
            checked = f"{DOCUMENTS.get(entry.identity_document, '')}　{timezone.localtime(entry.identity_checked_at):%Y-%m-%d %H:%M}"
        page.box_row("本人確認", checked)
        page.box_row("受付者", staff.get_full_name() or staff.username)
        page.box_row("届出人署名", "")
        page.space(3)
        page.text("この届書は事前入力の内容を印刷したものです。内容を確認し、署名してください。", MINCHO, 9)
        page.text("Printed from the resident's pre-entry. Check the details and sign.", MINCHO, 8)
        return page.finish()
