"""The national identity sign-in (VNeID) through the sandbox identity provider, by the production code path:
allauth's openid_connect client with the portal's checks (accounts/national_identity) against
django-oauth-toolkit (identity_sandbox). The client's HTTP calls (discovery, JWKS, token, userinfo) go
through `requests` as in production; a transport adapter hands them to a second Django test client."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.identity import SESSION_KEY, current_loa
from accounts.models import AccountType, CitizenProfile, User
from dossiers.services.filing import applicant_prefill
from identity_sandbox.keys import signing_key_pem
from identity_sandbox.models import SandboxPerson
from identity_sandbox.services import setup_sandbox
from tests.factories import CitizenProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("openid_connect_login", kwargs={"provider_id": "vneid"})
PASSWORD = "correct-horse-42"


class ClientTransport(requests.adapters.BaseAdapter):
    """requests → Django test client, for URLs on SITE_URL. Records each call's timeout; `rewrite` may change
    a response body (a forged ID token)."""

    def __init__(self):
        super().__init__()
        self.client = Client()
        self.calls: list[tuple[str, object]] = []
        self.rewrite = None

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        self.calls.append((parts.path, timeout))
        extra = {}
        if "Authorization" in request.headers:
            extra["HTTP_AUTHORIZATION"] = request.headers["Authorization"]
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        answer = self.client.generic(
            request.method,
            urlunsplit(("", "", parts.path, parts.query, "")),
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **extra,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers.items())
        response._content = answer.content
        if self.rewrite is not None:
            response._content = self.rewrite(parts.path, response._content)
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response


@pytest.fixture
def transport(monkeypatch):
    adapter = ClientTransport()
    original = requests.Session.get_adapter

    def get_adapter(session, url):
        return adapter if url.startswith(settings.SITE_URL) else original(session, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter


@pytest.fixture
def sandbox(transport):
    persons = setup_sandbox()
    return {person.sub: person for person in persons}


def start(client, process="login"):
    """The sign-in button (a POST) → the provider's authorization URL."""
    response = client.post(LOGIN_URL, {"process": process})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def pick(client, authorize_url, person) -> str:
    """On the sandbox's page, choose the person → the callback URL carrying code and state."""
    assert client.get(authorize_url).status_code == 200
    response = client.post(authorize_url, {"person": person.pk})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in(client, person, process="login"):
    return client.get(pick(client, start(client, process), person))


def states(client) -> dict:
    return client.session["socialaccount_states"]


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_first_sign_in_creates_the_account_from_the_claims(client, sandbox, transport):
    person = sandbox["sandbox-citizen-1"]
    response = sign_in(client, person)

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user is not None and user.full_name == "Nguyễn Văn An"
    assert user.email.endswith("@dinhdanh.invalid") and not user.has_usable_password()
    profile = user.profile
    assert (profile.personal_id, profile.date_of_birth.isoformat()) == ("001085012345", "1985-04-12")
    assert (profile.gender, profile.phone, profile.account_type) == ("Nam", "0912000111", AccountType.CITIZEN)
    assert profile.from_national_identity
    account = SocialAccount.objects.get(user=user)
    assert account.uid == "1:001085012345"  # keyed on the personal ID, not on the provider's sub or email
    assert client.session[SESSION_KEY] == 2
    # The provider sent the request with PKCE S256, a nonce and the LoA asked for.
    assert {path for path, _ in transport.calls} == {
        "/identity-sandbox/.well-known/openid-configuration",
        "/identity-sandbox/.well-known/jwks.json",
        "/identity-sandbox/token/",
        "/identity-sandbox/userinfo/",
    }
    assert {timeout for _, timeout in transport.calls} == {settings.SOCIALACCOUNT_REQUESTS_TIMEOUT}


def test_the_authorization_request_carries_pkce_nonce_state_and_acr_values(client, sandbox):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32 and query["state"][0]
    assert query["acr_values"] == ["LoA2"] and query["scope"] == ["openid"]


def test_second_sign_in_refreshes_the_identity_fields(client, sandbox):
    person = sandbox["sandbox-citizen-1"]
    sign_in(client, person)
    user = signed_in_user(client)
    CitizenProfile.objects.filter(user=user).update(full_name="Tên tự sửa", street_address="Nhà riêng")
    person.claims["HoVaTen"] = "Nguyễn Văn An Khang"
    person.save()
    client.post(reverse("account_logout"))

    sign_in(client, person)

    assert signed_in_user(client) == user
    profile = CitizenProfile.objects.get(user=user)
    assert profile.full_name == "Nguyễn Văn An Khang"  # from the service, whatever was stored
    assert profile.street_address == "Nhà riêng"  # contact details stay the citizen's
    assert User.objects.get(pk=user.pk).full_name == "Nguyễn Văn An Khang"
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_the_level_of_assurance_of_the_sign_in_is_kept_in_the_session(client, sandbox, rf):
    sign_in(client, sandbox["sandbox-citizen-loa1"])
    assert client.session[SESSION_KEY] == 1

    request = rf.get("/")
    request.user, request.session = signed_in_user(client), client.session
    assert current_loa(request) == 1


def test_a_password_sign_in_has_no_level_of_assurance(client, sandbox, rf):
    user = UserFactory(password=PASSWORD)
    CitizenProfileFactory(user=user)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and signed_in_user(client) == user
    assert SESSION_KEY not in client.session
    request = rf.get("/")
    request.user, request.session = user, client.session
    assert current_loa(request) == 0


def test_an_enterprise_account_is_keyed_on_its_tax_code_and_files_for_the_enterprise(client, sandbox):
    sign_in(client, sandbox["sandbox-enterprise-1"])
    user = signed_in_user(client)
    assert SocialAccount.objects.get(user=user).uid == "2:0101234567"
    assert (user.profile.tax_code, user.profile.personal_id) == ("0101234567", "")
    applicant = applicant_prefill(user)
    assert "Công ty TNHH Sen Vàng" in applicant["applicant_name"]
    assert "0101234567" in applicant["applicant_name"]


def test_a_wrong_state_is_refused(client, sandbox):
    callback = pick(client, start(client), sandbox["sandbox-citizen-1"])
    response = client.get(with_query(callback, state="not-the-state"))
    assert signed_in_user(client) is None
    assert not User.objects.filter(profile__personal_id="001085012345").exists()
    assert response.status_code == 401  # allauth's "sign-in failed" page


def test_a_replayed_code_is_refused(client, sandbox):
    person = sandbox["sandbox-citizen-1"]
    first = pick(client, start(client), person)
    assert client.get(first).status_code == 302
    client.post(reverse("account_logout"))

    second = pick(client, start(client), person)
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    client.get(with_query(second, code=old_code))

    assert signed_in_user(client) is None


def test_the_callback_cannot_be_replayed(client, sandbox):
    callback = pick(client, start(client), sandbox["sandbox-citizen-1"])
    client.get(callback)
    client.post(reverse("account_logout"))
    client.get(callback)
    assert signed_in_user(client) is None


def _tamper_state(client, **changes):
    session = client.session
    stashed = session["socialaccount_states"]
    for state_id in stashed:
        for key, value in changes.items():
            if value is None:
                stashed[state_id][0].pop(key, None)
            else:
                stashed[state_id][0][key] = value
    session["socialaccount_states"] = stashed
    session.save()


def test_a_wrong_nonce_is_refused(client, sandbox):
    authorize = start(client)
    _tamper_state(client, nonce="a-nonce-this-client-never-sent")
    client.get(pick(client, authorize, sandbox["sandbox-citizen-1"]))
    assert signed_in_user(client) is None


def test_a_missing_pkce_verifier_is_refused(client, sandbox):
    authorize = start(client)
    _tamper_state(client, pkce_code_verifier=None)
    client.get(pick(client, authorize, sandbox["sandbox-citizen-1"]))
    assert signed_in_user(client) is None


def test_the_provider_refuses_a_token_request_without_the_pkce_verifier(client, sandbox, transport):
    callback = pick(client, start(client), sandbox["sandbox-citizen-1"])
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = transport.client.post(
        "/identity-sandbox/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback.split("?")[0],
            "client_id": settings.NATIONAL_IDENTITY["client_id"],
            "client_secret": settings.NATIONAL_IDENTITY["secret"],
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def _forge_id_token(transport, *, key_pem=None, **claims):
    """Replace the ID token of the token response by one re-signed with `key_pem`, claims changed."""

    def rewrite(path, content):
        if path != "/identity-sandbox/token/":
            return content
        import json

        body = json.loads(content)
        header = jwt.get_unverified_header(body["id_token"])
        payload = jwt.decode(body["id_token"], options={"verify_signature": False})
        payload.update(claims)
        body["id_token"] = jwt.encode(
            payload, key_pem or signing_key_pem(), "RS256", headers={"kid": header["kid"]}
        )
        return json.dumps(body).encode()

    transport.rewrite = rewrite


def test_a_forged_id_token_passes_when_signed_with_the_provider_key(client, sandbox, transport):
    """The control for the two tests below: re-signing alone does not refuse the sign-in."""
    _forge_id_token(transport)
    sign_in(client, sandbox["sandbox-citizen-1"])
    assert signed_in_user(client) is not None


def test_a_bad_signature_is_refused(client, sandbox, transport):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _forge_id_token(transport, key_pem=other_key)
    sign_in(client, sandbox["sandbox-citizen-1"])
    assert signed_in_user(client) is None


def test_an_expired_id_token_is_refused(client, sandbox, transport):
    _forge_id_token(transport, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    sign_in(client, sandbox["sandbox-citizen-1"])
    assert signed_in_user(client) is None


def test_an_id_token_for_another_audience_or_issuer_is_refused(client, sandbox, transport):
    _forge_id_token(transport, aud="another-client")
    sign_in(client, sandbox["sandbox-citizen-1"])
    assert signed_in_user(client) is None
    client.post(reverse("account_logout"))
    _forge_id_token(transport, iss="https://elsewhere.example")
    sign_in(client, sandbox["sandbox-citizen-1"])
    assert signed_in_user(client) is None


def test_an_existing_local_account_is_not_taken_over_by_the_sign_in(client, sandbox):
    local = CitizenProfileFactory(personal_id="001085012345").user

    sign_in(client, sandbox["sandbox-citizen-1"])

    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(profile__personal_id="001085012345").get() == local


def test_a_local_account_is_linked_when_the_person_proves_both(client, sandbox):
    profile = CitizenProfileFactory(personal_id="001085012345", full_name="An (tự khai)")
    client.force_login(profile.user)

    response = sign_in(client, sandbox["sandbox-citizen-1"], process="connect")

    assert response.status_code == 302
    assert SocialAccount.objects.get().user == profile.user
    profile.refresh_from_db()
    assert profile.from_national_identity and profile.full_name == "Nguyễn Văn An"
    assert client.session[SESSION_KEY] == 2
    client.post(reverse("account_logout"))
    sign_in(client, sandbox["sandbox-citizen-1"])  # from now on VNeID signs in to that account
    assert signed_in_user(client) == profile.user


def test_linking_refuses_an_account_with_another_id_number(client, sandbox):
    profile = CitizenProfileFactory(personal_id="001099099999")
    client.force_login(profile.user)
    sign_in(client, sandbox["sandbox-citizen-1"], process="connect")
    assert not SocialAccount.objects.exists()
    profile.refresh_from_db()
    assert profile.personal_id == "001099099999" and not profile.from_national_identity


def test_a_staff_account_is_never_signed_in_through_the_citizen_provider(client, sandbox):
    clerk = UserFactory(clerk=True)
    SocialAccount.objects.create(user=clerk, provider="vneid", uid="1:001085012345")

    sign_in(client, sandbox["sandbox-citizen-1"])

    assert signed_in_user(client) is None
    assert not CitizenProfile.objects.filter(user=clerk).exists()


def test_a_staff_account_cannot_be_linked(sandbox):
    from django.core.exceptions import ValidationError

    from accounts.national_identity.claims import identity_from_claims
    from accounts.national_identity.services import link_identity

    identity = identity_from_claims(sandbox["sandbox-citizen-1"].claims)
    with pytest.raises(ValidationError):
        link_identity(user=UserFactory(clerk=True), identity=identity)


def test_identity_fields_are_read_only_on_the_profile_page(client, sandbox):
    sign_in(client, sandbox["sandbox-citizen-1"])
    page = client.get(reverse("accounts:profile"))
    form = page.context["form"]
    assert form.fields["personal_id"].disabled and form.fields["full_name"].disabled
    assert not form.fields["phone"].disabled
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(personal_id="001099099999", full_name="Người khác", phone="0912000999")
    client.post(reverse("accounts:profile"), data)
    profile = CitizenProfile.objects.get(personal_id="001085012345")
    assert (profile.full_name, profile.phone) == ("Nguyễn Văn An", "0912000999")


def test_the_sandbox_publishes_discovery_and_an_rs256_jwks(client, sandbox):
    config = client.get("/identity-sandbox/.well-known/openid-configuration").json()
    assert config["issuer"] == settings.NATIONAL_IDENTITY["issuer"] == f"{settings.SITE_URL}/identity-sandbox"
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    assert "S256" in config["code_challenge_methods_supported"]
    assert "SoDinhDanh" in config["claims_supported"]
    keys = client.get("/identity-sandbox/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


def test_the_sandbox_setup_is_idempotent(sandbox):
    setup_sandbox()
    assert SandboxPerson.objects.count() == len(sandbox) == 4


def test_the_sign_in_runs_a_bounded_number_of_queries(client, sandbox):
    person = sandbox["sandbox-citizen-1"]
    sign_in(client, person)
    client.post(reverse("account_logout"))
    callback = pick(client, start(client), person)
    with CaptureQueriesContext(connection) as queries:
        client.get(callback)
    assert signed_in_user(client) is not None
    # 66 measured: 43 of the portal (session, social account, profile refresh, login; 11 of them the
    # sign-in history's row and allauth's list of open sessions, purged then written) and 23 of the sandbox
    # provider answering the token and userinfo calls in the same process.
    assert len(queries) <= 70, [q["sql"][:120] for q in queries.captured_queries]


def test_a_token_posted_by_an_app_is_refused_only_the_redirect_flow_signs_in(rf, sandbox):
    """allauth's token sign-in would take an ID token with no nonce or PKCE bound to this browser."""
    from allauth.socialaccount.adapter import get_adapter
    from django.core.exceptions import ValidationError

    request = rf.get("/")
    provider = get_adapter().get_provider(request, settings.NATIONAL_IDENTITY["provider_id"])
    with pytest.raises(ValidationError):
        provider.verify_token(request, {"id_token": "eyJ.a.b"})
