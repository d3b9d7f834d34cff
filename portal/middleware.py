from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    """Vietnamese unless the person chose otherwise: the language switch (cookie) or the account's
    preference decides, never the browser's Accept-Language — many phones here are set to English."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def chosen_language(self, request) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self.chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
