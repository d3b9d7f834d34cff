from django.urls import path

from . import sandbox_views

app_name = "sandbox_bank"

urlpatterns = [
    path("pay/", sandbox_views.pay, name="pay"),
    path("api/transaction", sandbox_views.api, name="api"),
    path("settlement/<str:day>.csv", sandbox_views.settlement, name="settlement"),
]
