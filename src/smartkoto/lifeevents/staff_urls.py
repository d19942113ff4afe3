from django.urls import path

from .views import staff

app_name = "lifeevents_staff"
urlpatterns = [
    path("", staff.counter, name="counter"),
    path("interview/", staff.interview, name="interview"),
    path("retry/", staff.retry, name="retry"),
    path("entries/<uuid:public_id>/", staff.entry, name="entry"),
    path("entries/<uuid:public_id>/step/<str:step_id>/", staff.entry_step, name="entry_step"),
    path("entries/<uuid:public_id>/form.pdf", staff.entry_pdf, name="entry_pdf"),
]
