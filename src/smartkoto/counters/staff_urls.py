from django.urls import path

from .views import staff

app_name = "counters_staff"
urlpatterns = [
    path("", staff.home, name="home"),
    path("figures/", staff.figures, name="figures"),
    path("<slug:office>/desk/", staff.desk, name="desk"),
    path("<slug:office>/desk/action/", staff.action, name="action"),
    path("<slug:office>/kiosk/enrol/", staff.enrol_kiosk, name="enrol_kiosk"),
]
