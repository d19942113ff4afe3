from django.urls import path

from smartkoto.core.http import private_page

from .views import public, sim

app_name = "payments"
urlpatterns = [
    path("", private_page(public.mine), name="mine"),
    path("slip/", public.slip_lookup, name="slip_lookup"),
    path("slip/<str:number>/", private_page(public.slip), name="slip"),
    path("p/<str:public_id>/", private_page(public.detail), name="detail"),
    path("p/<str:public_id>/pay/", private_page(public.checkout), name="checkout"),
    path("p/<str:public_id>/t/<str:token>/pay/", private_page(public.checkout_link), name="checkout_link"),
    path("p/<str:public_id>/return/", private_page(public.returned), name="returned"),
    path("p/<str:public_id>/receipt.pdf", private_page(public.receipt), name="receipt"),
    # the simulated provider's hosted page (provider side)
    path("sim/pay/<str:intent_id>/", sim.pay, name="sim_pay"),
    path("sim/pay/<str:intent_id>/3ds/", sim.challenge, name="sim_challenge"),
    path("sim/pay/<str:intent_id>/cancel/", sim.cancel, name="sim_cancel"),
]
