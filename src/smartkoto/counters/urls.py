from django.urls import path

from .views import public

app_name = "counters"
urlpatterns = [
    path("", public.index, name="index"),
    path("t/<str:token>/", public.ticket, name="ticket"),
    path("t/<str:token>/cancel/", public.cancel_ticket, name="cancel_ticket"),
    path("<slug:office>/", public.congestion, name="congestion"),
    path("<slug:office>/kiosk/", public.kiosk, name="kiosk"),
    path("<slug:office>/kiosk/<str:token>/", public.issued, name="issued"),
    path("<slug:office>/display/", public.display, name="display"),
]
