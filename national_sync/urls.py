from django.urls import path

from . import views

app_name = "national_sync"

urlpatterns = [
    path("", views.health, name="health"),
    path("items/<int:pk>/retry/", views.retry, name="retry"),
]
