from django.urls import path

from .views import staff

app_name = "appointments_staff"
urlpatterns = [
    path("", staff.calendar_view, name="calendar"),
    path("day/<slug:code>/<slug:office_code>/<str:day>/", staff.day_view, name="day"),
    path("b/<str:reference>/status/", staff.set_status, name="set_status"),
]
