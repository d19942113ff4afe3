from django.urls import path

from smartkoto.core.http import private_page

from .views import public


app_name = "applications"
urlpatterns = [
    path("", private_page(public.my_applications), name="mine"),
    path("start/<slug:slug>/", private_page(public.start), name="start"),
    path("resume/<str:token>/", private_page(public.resume), name="resume"),
    path("<uuid:public_id>/", private_page(public.detail), name="detail"),
    path("<uuid:public_id>/step/<str:step_id>/", private_page(public.step), name="step"),
    path("<uuid:public_id>/check/", private_page(public.check), name="check"),
    path("<uuid:public_id>/declaration/", private_page(public.declare), name="declare"),
    path("<uuid:public_id>/sent/", private_page(public.done), name="done"),
    path("<uuid:public_id>/saved/", private_page(public.saved), name="saved"),
    path("<uuid:public_id>/withdraw/", private_page(public.withdraw), name="withdraw"),
    path("<uuid:public_id>/pay/", private_page(public.pay), name="pay"),
    path("<uuid:public_id>/receipt.pdf", private_page(public.receipt), name="receipt"),
    path("<uuid:public_id>/decision.pdf", private_page(public.decision), name="decision"),
    path("<uuid:public_id>/files/<uuid:attachment_id>/", private_page(public.attachment), name="attachment"),
]
