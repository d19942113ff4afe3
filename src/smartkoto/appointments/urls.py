from django.urls import path

from .views import public

app_name = "appointments"
urlpatterns = [
    path("", public.index, name="index"),
    path("my/", public.mine, name="mine"),
    path("b/<str:reference>/", public.booking_detail, name="booking"),
    path("b/<str:reference>/confirm/", public.confirm, name="confirm"),
    path("b/<str:reference>/cancel/", public.cancel, name="cancel"),
    path("b/<str:reference>/change/", public.reschedule, name="reschedule"),
    path("b/<str:reference>/booking.ics", public.booking_ics_file, name="ics"),
    path("s/<slug:code>/", public.service_detail, name="service"),
    path("s/<slug:code>/<slug:office_code>/<str:day>/", public.day, name="day"),
]
