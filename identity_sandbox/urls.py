"""The sandbox identity provider under /identity-sandbox/ (only while NATIONAL_IDENTITY_ISSUER is empty):
discovery, JWKS, authorize (the person picker), token, userinfo."""

from django.urls import path, re_path
from oauth2_provider import views as oauth2_views

from . import views

app_name = "oauth2_provider"  # django-oauth-toolkit's discovery document reverses its own names

urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration$",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
]
