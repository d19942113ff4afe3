from django.urls import path

from .views import public, sim

app_name = "payments"
urlpatterns = [
    path("", public.mine, name="mine"),
    path("slip/", public.slip_lookup, name="slip_lookup"),
    path("slip/<str:number>/", public.slip, name="slip"),
    path("p/<str:public_id>/", public.detail, name="detail"),
    path("p/<str:public_id>/pay/", public.checkout, name="checkout"),
    path("p/<str:public_id>/return/", public.returned, name="returned"),
    path("p/<str:public_id>/receipt.pdf", public.receipt, name="receipt"),
    # the simulated provider's hosted page (provider side)
    path("sim/pay/<str:intent_id>/", sim.pay, name="sim_pay"),
    path("sim/pay/<str:intent_id>/3ds/", sim.challenge, name="sim_challenge"),
    path("sim/pay/<str:intent_id>/cancel/", sim.cancel, name="sim_cancel"),
]
