from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/phone/send-code/", views.send_phone_code, name="phone_send_code"),
    path("profile/phone/confirm/", views.confirm_phone, name="phone_confirm"),
    path("security/", views.security, name="security"),
    # allauth's own list of sessions (allauth.usersessions) is this page here.
    path("sessions/", RedirectView.as_view(pattern_name="accounts:security"), name="usersessions"),
    path("session/", views.session_status, name="session"),
    path("simple-mode/", views.toggle_simple_mode, name="simple_mode"),
]
