from django.urls import path

from . import views

app_name = "e_results"

urlpatterns = [
    path("xac-thuc/", views.verify, name="verify"),
    path("e-results/<int:pk>/sign-again/", views.sign_again, name="sign_again"),
    path("e-results/<int:pk>/file/", views.signed_file, name="signed_file"),
    path("e-results/sandbox-tsa/", views.sandbox_tsa, name="sandbox_tsa"),
]
