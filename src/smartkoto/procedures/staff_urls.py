from django.urls import path

from .views import staff

app_name = "procedures_staff"
urlpatterns = [
    path("", staff.procedure_list, name="list"),
    path("new/", staff.procedure_edit, name="create"),
    path("<slug:slug>/", staff.procedure_edit, name="edit"),
    path("<slug:slug>/form/", staff.form_builder, name="builder"),
    path("<slug:slug>/form/field/", staff.field_add, name="field_add"),
    path("<slug:slug>/preview/", staff.preview, name="preview"),
    path("<slug:slug>/publish/", staff.publish, name="publish"),
    path("<slug:slug>/versions/", staff.versions, name="versions"),
    path("<slug:slug>/versions/<int:number>/", staff.version_detail, name="version"),
    path("<slug:slug>/export.json", staff.export, name="export"),
    path("<slug:slug>/import/", staff.import_file, name="import"),
]
