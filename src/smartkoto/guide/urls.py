from django.urls import path

from .views import public

app_name = "guide"
urlpatterns = [
    path("", public.ask, name="index"),
    path("rate/", public.rate, name="rate"),
    path("faq/<slug:key>/", public.entry, name="entry"),
]
