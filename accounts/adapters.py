from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class PortalAccountAdapter(DefaultAccountAdapter):
    """Citizens sign up themselves; staff accounts are created by administrators only."""

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.is_citizen and not hasattr(user, "profile"):
            return reverse("accounts:profile")
        return super().get_login_redirect_url(request)
