"""A4 PDFs: the receipt (受付票) and the decision letter (決定通知書), with the built-in Japanese CID fonts
(no font files to install)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override
from reportlab.lib.units import mm

from smartkoto.core.i18n import tr
from smartkoto.core.pdf import GOTHIC, MINCHO, FlowingText
from smartkoto.municipality import queries as municipality
from smartkoto.procedures import formschema


class Writer(FlowingText):
    """The receipt's and the letter's layout: 20 mm margins, lines 6.5 mm apart at 10.5 pt."""

    def __init__(self, title):
        super().__init__(title, margin=20 * mm, top=25 * mm, bottom=20 * mm)

    def line(self, text, font=MINCHO, size=10.5, gap=6.5):
        self.text(text, font, size, leading=gap * mm * size / 10.5)


def receipt(application):
    """受付票: reference, procedure, date, fee and the answers as given."""
    with override("ja"):
        version = application.form_version
        writer = Writer(f"受付票 {application.reference}")
        service = tr(municipality.profile()["service_name"], "ja") if municipality.profile()["service_name"] else ""
        writer.line(f"{municipality.name('ja')} {service} オンライン窓口".strip(), GOTHIC, 10)
        writer.space()
        writer.line("申請受付票（Receipt）", GOTHIC, 18, 9)
        writer.space()
        writer.line(f"受付番号 Reference: {application.reference}", GOTHIC, 14, 8)
        writer.line(f"手続 Procedure: {tr(application.procedure.name, 'ja')} / {tr(application.procedure.name, 'en')}")
        submitted = timezone.localtime(application.submitted_at)
        writer.line(f"受付日時 Received: {submitted:%Y-%m-%d %H:%M} ({formschema.format_date(submitted.date())})")
        writer.line(f"申請者 Applicant: {application.applicant_name}")
        writer.line(f"手数料 Fee: {application.fee_amount:,}円")
        writer.line(f"様式 Form version: {version.number}")
        writer.space()
        writer.line("申請内容 Answers", GOTHIC, 12, 7)
        for step, rows in formschema.summary(version.definition, application.answers):
            writer.line(f"■ {tr(step['title'], 'ja')}", GOTHIC, 10.5)
            for index, row in enumerate(rows):
                if len(rows) > 1:
                    writer.line(f"（{index + 1}）", GOTHIC, 10)
                for field, value in row:
                    writer.line(f"  {tr(field['label'], 'ja')}: {value}")
        writer.space()
        writer.line("申請状況は「申請状況」のページで確認できます。", MINCHO, 10)
        writer.line(f"{settings.BASE_URL}/applications/", MINCHO, 10)
        return writer.finish()


def decision_letter(application):
    """決定通知書 for an approved or rejected application."""
    with override("ja"):
        writer = Writer(f"決定通知書 {application.reference}")
        mayor = f"{municipality.name('ja')}長"  # the head of the municipality (区長・市長・町長…)
        writer.line(mayor, GOTHIC, 11)
        writer.space()
        writer.line("決定通知書（Notice of decision）", GOTHIC, 18, 9)
        writer.space()
        writer.line(f"{application.applicant_name} 様")
        writer.line(f"受付番号 Reference: {application.reference}")
        writer.line(f"手続 Procedure: {tr(application.procedure.name, 'ja')}")
        decided = timezone.localtime(application.decided_at or timezone.now())
        writer.line(f"決定日 Date: {formschema.format_date(decided.date())}")
        writer.space()
        approved = application.status == "approved" or application.events.filter(to_status="approved").exists()
        if approved:
            writer.line("上記の申請について、承認することに決定しましたので通知します。", MINCHO, 12, 8)
            writer.line("Your application above has been approved.", MINCHO, 10)
        else:
            writer.line("上記の申請について、承認しないことに決定しましたので通知します。", MINCHO, 12, 8)
            writer.line("Your application above has not been approved.", MINCHO, 10)
            reason = application.events.filter(to_status="rejected").order_by("-created_at").values_list("text", flat=True).first()
            if reason:
                writer.line(f"理由 Reason: {reason}")
            writer.space()
            writer.line(f"この決定に不服がある場合は、決定があったことを知った日の翌日から起算して3か月以内に、{mayor}に対して審査請求をすることができます。", MINCHO, 9)
        writer.space()
        writer.line(f"{tr(application.procedure.department.name, 'ja')}（{application.procedure.department.phone}）", GOTHIC, 10)
        return writer.finish()
