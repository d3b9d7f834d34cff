from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("dossier/<int:pk>/", views.book_page, name="book"),
    path("dossier/<int:pk>/choose/", views.choose_slot, name="choose"),
    path("dossier/<int:pk>/cancel/<int:appointment_pk>/", views.cancel, name="cancel"),
    path("<int:appointment_pk>/lich-hen.ics", views.calendar, name="calendar"),
    path("staff/<str:agency_code>/", views.day_list, name="day_list"),
    path("staff/<str:agency_code>/<int:appointment_pk>/mark/", views.mark, name="mark"),
]
