"""/api/v1/: the dossier API for the province's systems, its token endpoint, and the public status."""

from django.urls import path
from oauth2_provider import views as oauth2_views

from . import api

app_name = "integrations"

urlpatterns = [
    path("oauth/token/", oauth2_views.TokenView.as_view(), name="token"),
    path("dossiers/", api.DossierListAPI.as_view(), name="dossiers"),
    path("dossiers/counts/", api.StateCountsAPI.as_view(), name="counts"),
    path("dossiers/<str:code>/", api.DossierDetailAPI.as_view(), name="dossier"),
    path("dossiers/<str:code>/documents/<str:document_id>/", api.DocumentFileAPI.as_view(), name="document"),
    path("status/<str:code>/", api.PublicStatusAPI.as_view(), name="status"),
]
