from django.urls import path  # noqa: F401

app_name = "applications_staff"
urlpatterns = []
