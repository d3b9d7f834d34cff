"""django-oauth-toolkit's validator, answering with the chosen demo person's claims in the ID token and at
userinfo, with the national service's claim names and the person's level of assurance."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class SandboxValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim with the openid scope, as the national service does

    def get_claim_dict(self, request):
        person = getattr(request.user, "sandbox_person", None)
        if person is None:
            return {"sub": str(request.user.pk)}
        names = settings.NATIONAL_IDENTITY["claims"]
        loa = f"LoA{person.loa}"
        return {"sub": person.sub, **person.claims, names["loa"]: loa, "acr": loa}

    def get_discovery_claims(self, request):
        return ["sub", "acr", *settings.NATIONAL_IDENTITY["claims"].values()]
