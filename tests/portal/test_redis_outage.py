"""A Redis outage degrades the portal, never breaks it: sign-in, sign-up, password reset, the public lookup
and the misspelt-search fallback answer while the cache's Redis is gone, the counters that must hold still
count (login failures in the database, lookups in the process's memory), and /healthz says "degraded".

Once against a closed port (fast, SQLite, `make test`), once against a real redis-server stopped in the
middle of the test (`services`, PostgreSQL)."""

import pytest
from django.urls import reverse

from accounts.models import User
from common import cache as fallback_cache
from dossiers.services.lookups import LOOKUP_LIMIT
from procedures.services import refresh_search_vocabulary
from tests.accounts.factories_extra import PASSWORD, verified_user
from tests.dossiers.factories_extra import citizen, received
from tests.factories import FieldFactory, ProcedureVersionFactory, filed_dossier
from tests.services_support import free_port, publishing_to

LICENCE = "Cấp đổi giấy phép lái xe"


@pytest.fixture(autouse=True)
def _no_outage_left_over():
    fallback_cache._outages.clear()
    yield
    fallback_cache._outages.clear()


def use_redis_cache(settings, url: str, fallback_seconds: float = 30) -> None:
    """The production shape's cache (portal/settings.py with REDIS_URL) pointed at `url`."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "FALLBACK_SECONDS": fallback_seconds,
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
            },
        },
    }


@pytest.fixture
def world():
    """A citizen who can sign in, a received dossier to look up, and a catalogue entry to search for."""
    person = citizen(full_name="Đỗ Thị Mai Anh", personal_id="001199004567", phone="0912003344")
    dossier, _clerk = received(filed_dossier(applicant=person))
    ProcedureVersionFactory(published=True, name=LICENCE, field=FieldFactory(name="Giao thông vận tải"))
    refresh_search_vocabulary()
    return {"user": verified_user(email="lan@example.vn"), "dossier": dossier}


def assert_every_page_answers(client, world, *, address: str) -> None:
    """The pages the outage used to turn into 500s, each with the answer it gives with Redis up."""
    user, dossier = world["user"], world["dossier"]
    login = reverse("account_login")
    assert client.get(login).status_code == 200
    wrong = client.post(login, {"login": user.email, "password": "wrong-password"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert User.objects.get(pk=user.pk).failed_login_count == 1  # the account lock counts in the database
    signed_in = client.post(login, {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    client.logout()

    signup = {"email": "mai@example.vn", "password1": "lotus-pond-2026", "password2": "lotus-pond-2026"}
    signup["privacy_consent"] = "on"
    response = client.post(reverse("account_signup"), {"full_name": "Trần Thị Mai", **signup})
    assert response.status_code == 302 and User.objects.filter(email="mai@example.vn").exists()
    client.logout()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302

    lookup = reverse("dossiers:lookup")
    found = client.get(lookup, {"code": dossier.code, "digits": "3344"}, REMOTE_ADDR=address)
    assert found.status_code == 200 and dossier.procedure_version.name in found.content.decode()
    for _ in range(LOOKUP_LIMIT - 1):
        client.get(lookup, {"code": dossier.code, "digits": "0000"}, REMOTE_ADDR=address)
    limited = client.get(lookup, {"code": dossier.code, "digits": "3344"}, REMOTE_ADDR=address)
    assert limited.status_code == 429  # the lookup counter still counts

    search = client.get(
        reverse("procedures:catalogue"), {"q": "giay phpe lai xe"}
    )  # misspelt: the vocabulary fallback
    assert search.status_code == 200 and LICENCE in search.content.decode()


def assert_health_is_degraded(client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # a load balancer keeps sending traffic
    body = response.json()
    assert body["status"] == "degraded" and body["database"]["ok"] is True
    assert body["cache"] == {"ok": False, "mode": "process-memory", "error": "ConnectionError"}


@pytest.mark.django_db
def test_with_the_caches_redis_unreachable_every_page_answers_and_health_is_degraded(client, settings, world):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # only the cache is missing here
    use_redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")
    assert_every_page_answers(client, world, address="203.0.113.7")
    assert_health_is_degraded(client)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_redis_server_stopped_mid_test_degrades_every_page_and_health(
    client, settings, redis_server, world
):
    """The production shape: one Redis for the cache and the broker. It stops while the portal runs."""
    import redis

    if not redis_server.ping():
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushall()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    use_redis_cache(settings, redis_server.url, fallback_seconds=1)
    with publishing_to(redis_server.url):
        try:
            up = client.get(reverse("healthz")).json()
            assert up["cache"] == {"ok": True, "mode": "redis"} and up["broker"]["ok"] is True
            client.get(reverse("account_login"))  # the cache's connection is open when Redis goes
            redis_server.stop()

            assert_every_page_answers(client, world, address="198.51.100.20")
            assert_health_is_degraded(client)
            assert client.get(reverse("healthz")).json()["broker"]["ok"] is False

            redis_server.start()  # back: the next check finds it, and the cache uses it again
            assert client.get(reverse("healthz")).json()["cache"] == {"ok": True, "mode": "redis"}
            assert client.get(reverse("account_login")).status_code == 200
            assert not fallback_cache.outage_for(redis_server.url).active
        finally:
            if not redis_server.ping():
                redis_server.start()
