"""The sandbox identity provider's authorization page: instead of a password, pick one of the demo persons.
Token, userinfo, discovery and JWKS are django-oauth-toolkit's own (urls.py)."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views.mixins import OAuthLibMixin

from .models import SandboxPerson


@method_decorator(never_cache, name="dispatch")
class AuthorizeView(OAuthLibMixin, View):
    """GET validates the authorization request (client, redirect_uri, PKCE challenge) and shows the persons;
    POST (same query string) issues the code for the chosen one and redirects to the client."""

    def _validated(self, request):
        try:
            return self.get_oauthlib_core().validate_authorization_request(request), None
        except OAuthToolkitError as error:
            return None, render(
                request,
                "identity_sandbox/error.html",
                {"error": error.oauthlib_error.description},
                status=400,
            )

    def get(self, request):
        _validated, refusal = self._validated(request)
        if refusal:
            return refusal
        return render(request, "identity_sandbox/authorize.html", {"persons": SandboxPerson.objects.all()})

    def post(self, request):
        validated, refusal = self._validated(request)
        if refusal:
            return refusal
        scopes, credentials = validated
        person = SandboxPerson.objects.select_related("subject").filter(pk=request.POST.get("person") or 0)
        person = person.first() if str(request.POST.get("person", "")).isdigit() else None
        if person is None:
            context = {"persons": SandboxPerson.objects.all(), "missing": True}
            return render(request, "identity_sandbox/authorize.html", context, status=400)
        request.user = person.subject  # the provider's own subject, for this request only: no session
        try:
            uri, _headers, _body, _status = self.get_oauthlib_core().create_authorization_response(
                request, scopes, credentials, True
            )
        except OAuthToolkitError as error:
            return render(
                request,
                "identity_sandbox/error.html",
                {"error": error.oauthlib_error.description},
                status=400,
            )
        return HttpResponseRedirect(uri)
