from django.urls import path

from .views import access_log, authorisations, citizen, documents, public

app_name = "dossiers"

urlpatterns = [
    path("", citizen.my_dossiers, name="mine"),
    path("start/<str:national_code>/", citizen.start, name="start"),
    path("<int:pk>/", citizen.detail, name="detail"),
    path("<int:pk>/edit/<str:step>/", citizen.wizard, name="wizard"),
    path("<int:pk>/submit/", citizen.submit, name="submit"),
    path("<int:pk>/supplement/", citizen.answer_supplement, name="answer_supplement"),
    path("<int:pk>/withdraw/", citizen.withdraw, name="withdraw"),
    path("<int:pk>/delete/", citizen.discard_draft, name="discard_draft"),
    path("<int:pk>/accesses/", access_log.dossier_accesses, name="accesses"),
    path("documents/<int:pk>/", documents.document, name="document"),
    path("files/", documents.data_store, name="data_store"),
    path("files/<int:pk>/", documents.stored_file, name="stored_file"),
    path("files/accesses/", access_log.data_store_accesses, name="data_store_accesses"),
    path("files/<int:pk>/describe/", documents.describe_file, name="describe_file"),
    path("files/<int:pk>/share/", documents.share_file, name="share_file"),
    path("files/shares/<int:pk>/revoke/", documents.revoke_share, name="revoke_share"),
    path("chia-se/<str:token>/", documents.shared_file, name="shared_file"),
    path("lookup/", public.lookup, name="lookup"),
    path("authorisations/", authorisations.mine, name="authorisations"),
    path("authorisations/<int:pk>/<str:action>/", authorisations.act, name="authorisation_act"),
    path("acting-for/", authorisations.acting_for, name="acting_for"),
    path("acting-for/<int:pk>/code/", authorisations.approval_code, name="authorisation_code"),
    path("acting-for/<int:pk>/start/", authorisations.start_on_behalf, name="start_on_behalf"),
]
