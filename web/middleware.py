"""The pages speak Simplified Chinese unless the visitor chose another language."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PageLocaleMiddleware(LocaleMiddleware):
    """Pages: the language chosen in the page's language switch (its cookie), otherwise LANGUAGE_CODE —
    never the browser's Accept-Language, so that a first visit from an English browser is in Chinese too.
    The API (/api/) keeps following Accept-Language, for clients that ask for English messages."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
