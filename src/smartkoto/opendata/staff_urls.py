from django.urls import path

from .views import staff

app_name = "opendata_staff"
urlpatterns = [
    path("", staff.home, name="home"),
    path("new/", staff.dataset_new, name="dataset_new"),
    path("<slug:name>/", staff.dataset_edit, name="dataset_edit"),
    path("<slug:name>/state/", staff.dataset_state, name="dataset_state"),
    path("<slug:name>/resources/new/", staff.resource_new, name="resource_new"),
    path("<slug:name>/resources/<uuid:resource_id>/", staff.resource_detail, name="resource"),
    path("<slug:name>/resources/<uuid:resource_id>/status.json", staff.resource_status, name="resource_status"),
]
