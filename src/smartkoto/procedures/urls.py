from django.urls import path

from .views import public

app_name = "procedures"
urlpatterns = [
    path("", public.catalog, name="catalog"),
    path("online-share/", public.online_share, name="online_share"),
    path("<slug:slug>/", public.detail, name="detail"),
]
