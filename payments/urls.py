from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_payments, name="dossier"),
    path("dossiers/<int:pk>/pay/", views.pay, name="pay"),
    path("return/<str:gateway>/", views.browser_return, name="return"),
    path("ipn/<str:gateway>/", views.ipn, name="ipn"),
    path("attempts/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("refunds/<int:pk>/voucher.pdf", views.voucher, name="voucher"),
    path("refunds/<int:pk>/retry/", views.refund_retry, name="refund_retry"),
    path("staff/dossiers/<int:pk>/", views.staff_dossier, name="staff_dossier"),
    path("staff/dossiers/<int:pk>/<str:action>/", views.staff_action, name="staff_action"),
    path("reconciliation/", views.reconciliation_page, name="reconciliation"),
    path("reconciliation/import/", views.reconciliation_import, name="reconciliation_import"),
    path("reconciliation/export.xlsx", views.reconciliation_xlsx, name="reconciliation_xlsx"),
]
