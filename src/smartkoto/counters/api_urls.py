from django.urls import path

from . import api

app_name = "counters_api"
urlpatterns = [
    path("offices", api.offices, name="offices"),
    path("offices/<slug:office>/status", api.office_status, name="office_status"),
    path("tickets/<str:token>", api.ticket, name="ticket"),
    path("congestion-history.csv", api.congestion_history_csv, name="congestion_history"),
]
