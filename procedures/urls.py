from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("forms/<int:pk>/", views.form_template, name="form_template"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("<str:national_code>/", views.procedure_detail, name="detail"),
    path("<str:national_code>/v<int:version_number>/", views.procedure_version_detail, name="version"),
]
