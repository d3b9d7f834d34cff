"""The data-kinds table covers every model that can hold a person's data: derived from the models'
relations, so a model added without a decision (keep, pseudonymise, delete; exported or why not) fails."""

from django.apps import apps
from django.conf import settings

from privacy.data_kinds import DATA_KINDS, WITHOUT_RELATION, OnDeletion
from privacy.export import EXPORTED, NOT_EXPORTED


def _relations(model):
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.related_model
    ]


def models_with_a_path_to_an_account() -> set[str]:
    """Every model with a foreign key or one-to-one path to AUTH_USER_MODEL, directly or through other
    models (a dossier, a stored file, a notification…), third-party apps included."""
    reached = {apps.get_model(settings.AUTH_USER_MODEL)}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model not in reached and any(field.related_model in reached for field in _relations(model)):
                reached.add(model)
                grew = True
    return {model._meta.label for model in reached} | set(WITHOUT_RELATION)


def test_every_model_with_a_path_to_an_account_has_a_data_kind():
    listed = {kind.model for kind in DATA_KINDS}
    missing = sorted(models_with_a_path_to_an_account() - listed)
    assert not missing, f"Add these to privacy/data_kinds.py (what, why, how long, on deletion): {missing}"


def test_the_data_kinds_table_names_only_models_that_exist():
    installed = {model._meta.label for model in apps.get_models()}
    assert not sorted({kind.model for kind in DATA_KINDS} - installed)


def test_each_model_has_one_row_and_its_personal_fields_exist():
    labels = [kind.model for kind in DATA_KINDS]
    assert len(labels) == len(set(labels))
    for kind in DATA_KINDS:
        names = {field.name for field in apps.get_model(kind.model)._meta.get_fields()}
        assert set(kind.personal_fields) <= names, kind.model
        assert kind.what and kind.why and kind.retention and kind.who_sees
        assert isinstance(kind.on_deletion, OnDeletion)


def test_every_model_with_a_path_to_an_account_is_exported_or_left_out_for_a_reason():
    decided = set(EXPORTED) | set(NOT_EXPORTED)
    assert not sorted(models_with_a_path_to_an_account() - decided)
    assert not set(EXPORTED) & set(NOT_EXPORTED)
    assert all(NOT_EXPORTED.values())


def test_the_derivation_finds_the_models_it_must(django_user_model):
    found = models_with_a_path_to_an_account()
    assert {"dossiers.Dossier", "dossiers.DocumentAccess", "payments.Refund", "account.EmailAddress"} <= found
    assert {"socialaccount.SocialToken", "notifications.DeliveryAttempt", "privacy.Consent"} <= found
