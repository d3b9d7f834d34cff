from django.urls import include, path

from bench import ceilings

urlpatterns = [
    path("bench/ceiling/template/", ceilings.template_rows),
    path("bench/ceiling/pk/", ceilings.pk_select),
    path("bench/ceiling/insert/", ceilings.insert_row),
    path("", include("portal.urls")),
]
