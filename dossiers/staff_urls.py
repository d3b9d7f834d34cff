"""The back office (app "staff"), included at the site root: the queue, a dossier and its actions, the desk,
the register, and the slips (which the applicant may open too)."""

from django.urls import path

from .views import access_log, slips, staff

app_name = "staff"

urlpatterns = [
    path("staff/", staff.home, name="home"),
    path("staff/start/", staff.start, name="start"),
    path("staff/dossiers/<int:pk>/", staff.detail, name="detail"),
    path("staff/dossiers/<int:pk>/digitise/", staff.digitise, name="digitise"),
    path("staff/dossiers/<int:pk>/<str:action>/", staff.act, name="act"),
    path("staff/dossiers/<int:pk>/transfer/assignees/", staff.transfer_assignees, name="transfer_assignees"),
    path("staff/access-log/", access_log.access_export, name="access_export"),
    path("staff/<str:agency_code>/queue/", staff.queue, name="queue"),
    path("staff/<str:agency_code>/new/", staff.desk, name="desk"),
    path("staff/<str:agency_code>/register/", staff.register, name="register"),
    path("staff/<str:agency_code>/register.xlsx", staff.register_xlsx, name="register_xlsx"),
    path("dossiers/<int:pk>/slips/<str:kind>.pdf", slips.slip, name="slip"),
]
