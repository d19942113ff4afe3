from django.urls import path

from .views import public

app_name = "applications"
urlpatterns = [
    path("", public.my_applications, name="mine"),
    path("start/<slug:slug>/", public.start, name="start"),
    path("resume/<str:token>/", public.resume, name="resume"),
    path("<uuid:public_id>/", public.detail, name="detail"),
    path("<uuid:public_id>/step/<str:step_id>/", public.step, name="step"),
    path("<uuid:public_id>/check/", public.check, name="check"),
    path("<uuid:public_id>/declaration/", public.declare, name="declare"),
    path("<uuid:public_id>/sent/", public.done, name="done"),
    path("<uuid:public_id>/saved/", public.saved, name="saved"),
    path("<uuid:public_id>/withdraw/", public.withdraw, name="withdraw"),
    path("<uuid:public_id>/pay/", public.pay, name="pay"),
    path("<uuid:public_id>/receipt.pdf", public.receipt, name="receipt"),
    path("<uuid:public_id>/decision.pdf", public.decision, name="decision"),
    path("<uuid:public_id>/files/<uuid:attachment_id>/", public.attachment, name="attachment"),
]
