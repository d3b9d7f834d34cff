from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("phan-anh-kien-nghi/", views.public_list, name="public_list"),
    path("phan-anh-kien-nghi/<int:pk>/", views.public_detail, name="public_detail"),
    path("phan-anh-kien-nghi/gui/", views.send, name="send"),
    path("phan-anh-kien-nghi/cua-toi/", views.mine, name="mine"),
    path("phan-anh-kien-nghi/cua-toi/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("phan-anh-kien-nghi/cua-toi/<int:pk>/rut/", views.withdraw, name="withdraw"),
    path("phan-anh-kien-nghi/theo-doi/<str:token>/", views.by_link, name="by_link"),
    path("phan-anh-kien-nghi/xu-ly/", views.staff_home, name="staff_home"),
    path("phan-anh-kien-nghi/xu-ly/muc/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("phan-anh-kien-nghi/xu-ly/muc/<int:pk>/<slug:action>/", views.staff_act, name="staff_act"),
    path("phan-anh-kien-nghi/xu-ly/<str:agency_code>/", views.staff_queue, name="staff_queue"),
    path("phan-anh-kien-nghi/xu-ly/<str:agency_code>/hai-long/", views.satisfaction, name="satisfaction"),
    path("danh-gia-hai-long/ho-so/<int:pk>/", views.rate, name="rate"),
    path("danh-gia-hai-long/<str:token>/", views.rate_by_link, name="rate_by_link"),
]
