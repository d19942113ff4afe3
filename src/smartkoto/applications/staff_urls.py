from django.urls import path

from .views import staff

app_name = "applications_staff"
urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("export.csv", staff.export_csv, name="export"),
    path("processing-times/", staff.stats, name="stats"),
    path("<str:reference>/", staff.case, name="case"),
    path("<str:reference>/status/", staff.transition, name="transition"),
    path("<str:reference>/assign/", staff.assign, name="assign"),
    path("<str:reference>/fee/", staff.fee, name="fee"),
    path("<str:reference>/message/", staff.message, name="message"),
    path("<str:reference>/note/", staff.note, name="note"),
    path("<str:reference>/decision.pdf", staff.decision_pdf, name="decision"),
    path("<str:reference>/receipt.pdf", staff.receipt_pdf, name="receipt"),
    path("<str:reference>/files/<uuid:attachment_id>/", staff.attachment, name="attachment"),
]
