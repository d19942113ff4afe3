from django.urls import path

from .views import bundles, lobby, navigator, preentry

app_name = "lifeevents"
urlpatterns = [
    path("", navigator.index, name="index"),
    path("mine/", navigator.mine, name="mine"),
    path("lobby/", lobby.lobby, name="lobby"),
    path("counter-code/", preentry.card_code, name="card_code"),
    path("checklists/<uuid:public_id>/", navigator.checklist, name="checklist"),
    path("checklists/<uuid:public_id>/items/<int:item_id>/", navigator.tick, name="tick"),
    path("checklists/<uuid:public_id>/checklist.pdf", navigator.checklist_pdf, name="checklist_pdf"),
    path("checklists/<uuid:public_id>/bundle/", bundles.start_bundle, name="start_bundle"),
    path("bundles/<uuid:public_id>/", bundles.bundle, name="bundle"),
    path("bundles/<uuid:public_id>/check/", bundles.bundle_check, name="bundle_check"),
    path("bundles/<uuid:public_id>/<str:key>/", bundles.bundle_page, name="bundle_page"),
    path("pre-entry/start/<slug:slug>/", preentry.pre_entry_start, name="pre_entry_start"),
    path("pre-entry/<uuid:public_id>/step/<str:step_id>/", preentry.pre_entry_step, name="pre_entry_step"),
    path("pre-entry/<uuid:public_id>/check/", preentry.pre_entry_check, name="pre_entry_check"),
    path("pre-entry/<uuid:public_id>/code/", preentry.pre_entry_code, name="pre_entry_code"),
    path("<slug:code>/", navigator.questions, name="questions"),
]
