from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("quyen-rieng-tu/", views.notice, name="notice"),
    path("quyen-rieng-tu/dong-y/", views.accept, name="accept"),
    path("du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("du-lieu-cua-toi/tai-ve/", views.download, name="download"),
    path("du-lieu-cua-toi/kenh-thong-bao/", views.channels, name="channels"),
    path("du-lieu-cua-toi/yeu-cau-chinh-sua/", views.request_correction, name="request_correction"),
    path("du-lieu-cua-toi/xoa-tai-khoan/", views.delete_account, name="delete_account"),
    path("staff/privacy/corrections/", views.corrections, name="corrections"),
    path("staff/privacy/corrections/<int:pk>/", views.handle_correction, name="handle_correction"),
    path("staff/privacy/register/", views.register, name="register"),
    path("staff/privacy/register.xlsx", views.register_xlsx, name="register_xlsx"),
]
