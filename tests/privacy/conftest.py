import importlib

import pytest


@pytest.fixture(autouse=True)
def _privacy_notice_version_1(db):
    """The notice the data migration seeds; a transactional test elsewhere may have flushed it."""
    from django.apps import apps

    seed = importlib.import_module("privacy.migrations.0002_seed_notice_v1").seed
    seed(apps, None)
