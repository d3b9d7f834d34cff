"""The OpenID Connect client's checks that allauth leaves out (OpenID Connect Core 1.0 §3.1.3.7).

allauth's openid_connect adapter skips the ID token's signature when the token came from the token endpoint
(the specification allows it over TLS), takes the algorithm from the token's own header, sends no nonce and
trusts whatever issuer the discovery document names. Here the ID token is always verified against the
provider's JWKS with the algorithms the settings allow, its iss must be the configured issuer, aud the client
id (azp too when there are several audiences), exp/iat within a small leeway, nonce the one sent with this
sign-in, and the userinfo sub the ID token's sub. Discovery and JWKS are cached (a new kid fetches the JWKS
again once); every call has allauth's SOCIALACCOUNT_REQUESTS_TIMEOUT.
"""

import hmac
import json

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse

from common.links import absolute_url

CACHE_SECONDS = 600


def _get_json(url: str) -> dict:
    with get_adapter().get_requests_session() as session:
        response = session.get(url)
        response.raise_for_status()
        return response.json()


class NationalIdentityAdapter(OpenIDConnectOAuth2Adapter):
    state: dict | None = None  # the stashed state of this callback (NationalIdentityCallbackView)

    @property
    def openid_config(self):
        if not hasattr(self, "_openid_config"):
            url = self.get_provider().server_url
            config = cache.get(f"oidc:config:{url}")
            if config is None:
                config = _get_json(url)
                cache.set(f"oidc:config:{url}", config, CACHE_SECONDS)
            if config.get("issuer") != settings.NATIONAL_IDENTITY["issuer"]:
                raise OAuth2Error("The discovery document names another issuer")
            self._openid_config = config
        return self._openid_config

    def get_callback_url(self, request, app):
        """One origin for links (SITE_URL): the redirect_uri registered with the provider."""
        return absolute_url(reverse("openid_connect_callback", kwargs={"provider_id": self.provider_id}))

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The token response holds no ID token")
        expected_nonce = (self.state or {}).get("nonce")
        id_claims = self.verify_id_token(app, id_token, nonce=expected_nonce)
        userinfo = self._fetch_user_info(token.token)
        if str(userinfo.get("sub")) != str(id_claims["sub"]):
            raise OAuth2Error("The userinfo is about another subject than the ID token")
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": id_claims}
        )

    def _signing_key(self, kid: str, algorithm: str):
        url = self.openid_config["jwks_uri"]
        keys = cache.get(f"oidc:jwks:{url}")
        for attempt in (1, 2):
            if keys is None or attempt == 2:
                keys = _get_json(url)
                cache.set(f"oidc:jwks:{url}", keys, CACHE_SECONDS)
            for jwk in keys.get("keys", []):
                if jwk.get("kid") == kid and jwk.get("use", "sig") == "sig":
                    return jwt.get_algorithm_by_name(algorithm).from_jwk(json.dumps(jwk))
        raise OAuth2Error(f"No signing key {kid!r} at the provider")

    def verify_id_token(self, app, id_token: str, *, nonce: str | None) -> dict:
        """The ID token's checks, each a refusal (OAuth2Error) when it fails."""
        allowed = settings.NATIONAL_IDENTITY["algorithms"]
        try:
            header = jwt.get_unverified_header(id_token)
            if header.get("alg") not in allowed:
                raise OAuth2Error(f"ID token signed with {header.get('alg')!r}, not one of {allowed}")
            key = self._signing_key(header.get("kid", ""), header["alg"])
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=allowed,
                audience=app.client_id,
                issuer=settings.NATIONAL_IDENTITY["issuer"],
                leeway=settings.NATIONAL_IDENTITY["leeway_seconds"],
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise OAuth2Error(f"Invalid ID token: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != app.client_id:
            raise OAuth2Error("ID token for several audiences without this client as azp")
        if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OAuth2Error("ID token nonce does not match this sign-in")
        return claims


class NationalIdentityCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        """allauth pops the single-use state here; the adapter needs its nonce to check the ID token."""
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(NationalIdentityAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


@login_not_required
def callback(request, provider_id):
    try:
        return NationalIdentityCallbackView.adapter_view(NationalIdentityAdapter(request, provider_id))(
            request
        )
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
