"""Background work after a submission or a status change. Each task records what it did, so a retry skips it."""

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality


@task()
def send_receipt(application_id):
    """The confirmation email with the PDF receipt attached (受付確認メール)."""
    from . import pdf
    from .models import Application

    application = Application.objects.select_related("procedure", "form_version").get(pk=application_id)
    if application.receipt_emailed_at or not application.applicant_email:
        return "skipped"
    ja, en = municipality.name("ja"), municipality.name("en")
    with override("ja"):
        subject = f"【{ja}】申請を受け付けました（受付番号 {application.reference}）"
        body = (
            f"{application.applicant_name} 様\n\n"
            f"次の申請を受け付けました。\n手続: {tr(application.procedure.name, 'ja')}\n受付番号: {application.reference}\n"
            f"手数料: {application.fee_amount:,}円\n\n申請状況はこちらで確認できます。\n"
            f"{_base()}/applications/\n\n"
            f"We have received your application.\nProcedure: {tr(application.procedure.name, 'en')}\nReference: {application.reference}\n\n{ja} {en}"
        )
    email = EmailMessage(subject, body, to=[application.applicant_email])
    email.attach(f"receipt-{application.reference}.pdf", pdf.receipt(application), "application/pdf")
    email.send()
    Application.objects.filter(pk=application.pk).update(receipt_emailed_at=timezone.now())
    return "sent"


@task()
def notify_resident(event_id):
    """Tell the resident their application changed or staff wrote to them (the text itself stays on the site)."""
    from .models import CaseEvent

    event = CaseEvent.objects.select_related("application", "application__procedure").get(pk=event_id)
    application = event.application
    if not application.applicant_email:
        return "skipped"
    ja, en = municipality.name("ja"), municipality.name("en")
    with override("ja"):
        subject = f"【{ja}】申請の状況が更新されました（受付番号 {application.reference}）"
    body = (
        f"{application.applicant_name} 様\n\n申請（{tr(application.procedure.name, 'ja')}、受付番号 {application.reference}）に更新があります。\n"
        f"内容は申請状況のページで確認してください。\n{_base()}/applications/\n\n"
        f"There is an update on your application {application.reference}. Please see the status page.\n\n{ja} {en}"
    )
    EmailMessage(subject, body, to=[application.applicant_email]).send()
    return "sent"


def _base():
    from django.conf import settings

    return settings.BASE_URL
