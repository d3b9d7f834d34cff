"""The sandbox national public-service portal under /national-portal-sandbox/ (while it is the adapter, or
the "http" adapter points at it): the API (login, service) and the administrators' page."""

from django.urls import path

from . import views

app_name = "national_portal_sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/<str:code>/", views.dossier, name="dossier"),
    path("controls/availability/", views.availability, name="availability"),
    path("controls/failures/", views.failures, name="failures"),
    path("controls/clear/", views.clear, name="clear"),
    path("api/login", views.api_login, name="api_login"),
    path("api/service", views.api_service, name="api_service"),
]
