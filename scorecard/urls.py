"""Included at the site root: the staff scorecard under /staff/scorecard/ and the public page."""

from django.urls import path

from . import views

app_name = "scorecard"

urlpatterns = [
    path("staff/scorecard/", views.page, name="page"),
    path("staff/scorecard/export.xlsx", views.export_xlsx, name="export"),
    path("staff/scorecard/dossiers/", views.dossiers, name="dossiers"),
    path("chi-so-phuc-vu/", views.public, name="public"),
]
