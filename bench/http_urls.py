from django.urls import include, path

from bench import ceilings

urlpatterns = [
    path("bench/ceiling/template/", ceilings.template_rows),
    path("bench/ceiling/pk/", ceilings.pk_select),
    path("bench/ceiling/insert/", ceilings.insert_row),
    path("bench/floor/lookup/", ceilings.lookup_floor),
    path("bench/floor/staff/<int:pk>/", ceilings.staff_page_floor),
    path("", include("portal.urls")),
]
