"""Background work after a submission or a status change.

Transactional outbox: services enqueue these tasks inside the transaction of the change they follow
(`enqueue_in_transaction`); with the database task backend (django-tasks-db, production) the task row is written
on the same connection, so it commits or rolls back with the application: a crash cannot keep one without the
other. The worker may still run a task more than once (at-least-once: a worker killed after sending but before
the task row is marked done), so each task first claims its work with a conditional UPDATE: a receipt is
emailed at most once per application and a status email at most once per case event."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from smartkoto.core.i18n import tr
from smartkoto.municipality import queries as municipality


def _claim(queryset, **stamp):
    """Claim one piece of work: True for exactly one caller however many run it."""
    return queryset.update(**stamp) == 1


@task()
def send_receipt(application_id):
    """The confirmation email with the PDF receipt attached (受付確認メール)."""
    from . import pdf
    from .models import Application

    application = Application.objects.select_related("procedure", "form_version").get(pk=application_id)
    if application.receipt_emailed_at or not application.applicant_email:
        return "skipped"
    if not _claim(Application.objects.filter(pk=application.pk, receipt_emailed_at__isnull=True), receipt_emailed_at=timezone.now()):
        return "skipped"
    try:
        ja, en = municipality.name("ja"), municipality.name("en")
        confirmed = _confirmed_address(application)
        with override("ja"):
            subject = f"【{ja}】申請を受け付けました（受付番号 {application.reference}）"
            body = (
                _greeting(application, confirmed) +
                f"次の申請を受け付けました。\n手続: {tr(application.procedure.name, 'ja')}\n受付番号: {application.reference}\n"
                f"手数料: {application.fee_amount:,}円\n\n申請状況はこちらで確認できます。\n"
                f"{_base()}/applications/\n\n"
                f"We have received your application.\nProcedure: {tr(application.procedure.name, 'en')}\nReference: {application.reference}\n\n{ja} {en}"
            )
        email = EmailMessage(subject, body, to=[application.applicant_email])
        if confirmed:  # the PDF repeats the answers: only to an address the resident's account confirms
            email.attach(f"receipt-{application.reference}.pdf", pdf.receipt(application), "application/pdf")
        email.send()
    except Exception:
        Application.objects.filter(pk=application.pk).update(receipt_emailed_at=None)  # not sent: a retry may send it
        raise
    return "sent"


@task()
def notify_resident(event_id):
    """Tell the resident their application changed or staff wrote to them (the text itself stays on the site)."""
    from .models import CaseEvent

    event = CaseEvent.objects.select_related("application", "application__procedure").get(pk=event_id)
    application = event.application
    if not application.applicant_email:
        return "skipped"
    if not _claim(CaseEvent.objects.filter(pk=event.pk, resident_notified_at__isnull=True), resident_notified_at=timezone.now()):
        return "skipped"
    ja, en = municipality.name("ja"), municipality.name("en")
    with override("ja"):
        subject = f"【{ja}】申請の状況が更新されました（受付番号 {application.reference}）"
    body = (
        _greeting(application, _confirmed_address(application)) + f"申請（{tr(application.procedure.name, 'ja')}、受付番号 {application.reference}）に更新があります。\n"
        f"内容は申請状況のページで確認してください。\n{_base()}/applications/\n\n"
        f"There is an update on your application {application.reference}. Please see the status page.\n\n{ja} {en}"
    )
    try:
        EmailMessage(subject, body, to=[application.applicant_email]).send()
    except Exception:
        CaseEvent.objects.filter(pk=event.pk).update(resident_notified_at=None)
        raise
    return "sent"


def _confirmed_address(application):
    """Whether the mail may repeat what was typed (the name, the answers PDF): only for a signed-in resident, who
    is identified (card or account) and answerable for the address they typed. A guest's typed address is
    unconfirmed: mail there carries nothing the sender typed except the reference (no name, no answers)."""
    return application.applicant_id is not None


def _greeting(application, confirmed):
    return f"{application.applicant_name} 様\n\n" if confirmed and application.applicant_name else ""


def _base():
    from django.conf import settings

    return settings.BASE_URL
