from django.core import checks

from national_sync.checks import national_portal_is_real


def ids(settings_override, settings) -> set[str]:
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, **settings_override}
    return {message.id for message in national_portal_is_real(None)}


def test_a_deployment_still_on_the_sandbox_national_portal_is_warned(settings):
    assert ids({"ADAPTER": "sandbox"}, settings) == {"national_sync.W001"}


def test_the_real_adapter_needs_its_address_and_credentials(settings):
    assert ids({"ADAPTER": "http", "BASE_URL": "", "USERNAME": "", "PASSWORD": ""}, settings) == {
        "national_sync.E001"
    }
    configured = {"ADAPTER": "http", "BASE_URL": "https://x.example", "USERNAME": "u", "PASSWORD": "p"}
    assert ids(configured, settings) == set()


def test_the_check_runs_only_with_deploy():
    assert "national_sync.W001" not in {message.id for message in checks.run_checks()}
    deploy = checks.run_checks(include_deployment_checks=True)
    assert "national_sync.W001" in {message.id for message in deploy}
