from django.urls import path

from .views import public

app_name = "lifeevents"
urlpatterns = [
    path("", public.index, name="index"),
    path("mine/", public.mine, name="mine"),
    path("lobby/", public.lobby, name="lobby"),
    path("counter-code/", public.card_code, name="card_code"),
    path("checklists/<uuid:public_id>/", public.checklist, name="checklist"),
    path("checklists/<uuid:public_id>/items/<int:item_id>/", public.tick, name="tick"),
    path("checklists/<uuid:public_id>/checklist.pdf", public.checklist_pdf, name="checklist_pdf"),
    path("checklists/<uuid:public_id>/bundle/", public.start_bundle, name="start_bundle"),
    path("bundles/<uuid:public_id>/", public.bundle, name="bundle"),
    path("bundles/<uuid:public_id>/check/", public.bundle_check, name="bundle_check"),
    path("bundles/<uuid:public_id>/<str:key>/", public.bundle_page, name="bundle_page"),
    path("pre-entry/start/<slug:slug>/", public.pre_entry_start, name="pre_entry_start"),
    path("pre-entry/<uuid:public_id>/step/<str:step_id>/", public.pre_entry_step, name="pre_entry_step"),
    path("pre-entry/<uuid:public_id>/check/", public.pre_entry_check, name="pre_entry_check"),
    path("pre-entry/<uuid:public_id>/code/", public.pre_entry_code, name="pre_entry_code"),
    path("<slug:code>/", public.questions, name="questions"),
]
