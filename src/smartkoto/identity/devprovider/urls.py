from django.urls import path

from . import views

app_name = "devoidc"
urlpatterns = [
    path(".well-known/openid-configuration", views.configuration, name="configuration"),
    path("jwks", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
]
