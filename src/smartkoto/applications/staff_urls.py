from django.urls import path

from smartkoto.core.http import private_page

from .views import staff


app_name = "applications_staff"
urlpatterns = [
    path("", private_page(staff.inbox), name="inbox"),
    path("export.csv", private_page(staff.export_csv), name="export"),
    path("processing-times/", private_page(staff.stats), name="stats"),
    path("<str:reference>/", private_page(staff.case), name="case"),
    path("<str:reference>/status/", private_page(staff.transition), name="transition"),
    path("<str:reference>/assign/", private_page(staff.assign), name="assign"),
    path("<str:reference>/fee/", private_page(staff.fee), name="fee"),
    path("<str:reference>/message/", private_page(staff.message), name="message"),
    path("<str:reference>/note/", private_page(staff.note), name="note"),
    path("<str:reference>/decision.pdf", private_page(staff.decision_pdf), name="decision"),
    path("<str:reference>/receipt.pdf", private_page(staff.receipt_pdf), name="receipt"),
    path("<str:reference>/files/<uuid:attachment_id>/", private_page(staff.attachment), name="attachment"),
]
