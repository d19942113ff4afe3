from django.urls import path

from .views import public, staff

app_name = "identity"
urlpatterns = [
    path("sign-in/", public.sign_in, name="sign_in"),
    path("sign-in/start/", public.sign_in_start, name="sign_in_start"),
    path("sign-in/callback/", public.oidc_callback, name="oidc_callback"),
    path("sign-in/email/<str:token>/", public.email_link, name="email_link"),
    path("sign-out/", public.sign_out, name="sign_out"),
    path("my/profile/", public.profile, name="profile"),
    path("staff/sign-in/", staff.staff_sign_in, name="staff_sign_in"),
    path("staff/sign-in/code/", staff.staff_code, name="staff_code"),
]
