from django.urls import path

from . import views

app_name = "notifications_staff"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.email_detail, name="email"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
