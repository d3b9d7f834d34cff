from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from procedures import api as procedures_api

from . import advisor_views, views

admin.site.site_header = _("Public Service Portal — administration")
admin.site.site_title = _("Public Service Portal")
# Staff sign in through allauth (account lock, two-factor code), never through the admin's own
# password-only login form: that one would skip the TOTP step.
admin.site.login = secure_admin_login(admin.site.login)
# A statement cancelled by the database's timeout is a 503 ("busy, try again"), wherever it happened.
handler500 = "common.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/full-process/", views.full_process_share, name="full_process_share"),
    path("dashboard/catalogue-advisor/", advisor_views.province_advisor, name="catalogue_advisor"),
    path(
        "dashboard/catalogue-advisor/<str:agency_code>/",
        advisor_views.agency_advisor,
        name="agency_catalogue_advisor",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("procedures/", include("procedures.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("notifications/", include("notifications.urls")),
    path("staff/national-sync/", include("national_sync.urls")),
    # /quyen-rieng-tu/ (notice), /du-lieu-cua-toi/ (my data), /staff/privacy/ (before /staff/<queue>/)
    path("", include("privacy.urls")),
    path("", include("scorecard.urls")),  # /staff/scorecard/ and the public /chi-so-phuc-vu/
    path("", include("dossiers.staff_urls")),
    path("postal/", include("postal.urls")),
    path("appointments/", include("appointments.urls")),
    path("", include("feedback.urls")),  # /phan-anh-kien-nghi/ (PAKN), /danh-gia-hai-long/ (satisfaction)
    path("", include("e_results.urls")),  # /xac-thuc/ (verify an e-result), /e-results/…
    path("payments/", include("payments.urls")),
    path("sandbox-bank/", include("payments.sandbox_urls")),
    path("national-portal-sandbox/", include("national_portal_sandbox.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("integrations.urls")),  # the dossier API for the province's systems
    path("api/procedures/", procedures_api.ProcedureListAPI.as_view(), name="api-procedures"),
    path(
        "api/procedures/<str:national_code>/",
        procedures_api.ProcedureDetailAPI.as_view(),
        name="api-procedure",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    # GET only: DRF would answer OPTIONS by rendering the Swagger page's template without its context (500).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
]

if settings.IDENTITY_SANDBOX:
    # The embedded default's pretend national identity service (identity_sandbox): off once a real one is set.
    urlpatterns.append(path(f"{settings.IDENTITY_SANDBOX_PATH}/", include("identity_sandbox.urls")))
