from django.urls import path

from . import views

app_name = "postal"

urlpatterns = [
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/label.pdf", views.label, name="label"),
    path("orders/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("orders/<int:pk>/send-again/", views.send_again, name="send_again"),
    path("webhooks/<str:carrier>/", views.webhook, name="webhook"),
]
