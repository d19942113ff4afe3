from django.urls import path

from .views import staff

app_name = "guide_staff"
urlpatterns = [
    path("", staff.entries, name="entries"),
    path("review/", staff.review, name="review"),
    path("new/", staff.new_entry, name="new"),
    path("faq/<slug:key>/", staff.edit_entry, name="edit"),
    path("queue/", staff.queue, name="queue"),
    path("queue/<int:pk>/dismiss/", staff.dismiss, name="dismiss"),
]
