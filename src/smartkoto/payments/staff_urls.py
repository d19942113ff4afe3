from django.urls import path

from smartkoto.core.http import private_page

from .views import staff

# every staff payments page shows personal data or money: private, no-store

app_name = "payments_staff"
urlpatterns = [
    path("", private_page(staff.index), name="index"),
    path("<int:pk>/", private_page(staff.detail), name="detail"),
    path("<int:pk>/refund/", private_page(staff.refund_request), name="refund_request"),
    path("refunds/", private_page(staff.refunds), name="refunds"),
    path("refunds/<int:pk>/decide/", private_page(staff.refund_decide), name="refund_decide"),
    path("slips/", private_page(staff.slip_list), name="slips"),
    path("fees/", private_page(staff.fees), name="fees"),
    path("fees/<int:pk>/", private_page(staff.fee_detail), name="fee"),
    path("ledger/", private_page(staff.ledger_view), name="ledger"),
    path("reconciliation/", private_page(staff.reconciliation), name="reconciliation"),
    path("reconciliation/<int:pk>/", private_page(staff.reconciliation_run), name="reconciliation_run"),
]
