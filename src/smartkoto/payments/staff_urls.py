from django.urls import path

from .views import staff

app_name = "payments_staff"
urlpatterns = [
    path("", staff.index, name="index"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/refund/", staff.refund_request, name="refund_request"),
    path("refunds/", staff.refunds, name="refunds"),
    path("refunds/<int:pk>/decide/", staff.refund_decide, name="refund_decide"),
    path("slips/", staff.slip_list, name="slips"),
    path("fees/", staff.fees, name="fees"),
    path("fees/<int:pk>/", staff.fee_detail, name="fee"),
    path("ledger/", staff.ledger_view, name="ledger"),
    path("reconciliation/", staff.reconciliation, name="reconciliation"),
    path("reconciliation/<int:pk>/", staff.reconciliation_run, name="reconciliation_run"),
]
