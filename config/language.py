"""The language switch: Django's own view, with the address to come back to read in its language.

With `prefix_default_language=False` the default language's pages have no prefix (`/p/shirt/`)
and the others have one (`/it/p/shirt/`). Django's `set_language` translates `next` with
`translate_url`, which resolves the path in the language active for the switch request itself:
an Italian path does not resolve while English is active, so the switch to English came back
to the Italian page. Resolving `next` in the language its own prefix names (the default one when
it has none) lets `translate_url` find the page and rebuild it, query included, in the target
language. Safety stays Django's: `set_language` still refuses a `next` on another host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language and come back to the same page, translated, from any language to any."""
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    path = urlsplit(next_url).path
    language_of_next = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language_of_next):
        response = django_set_language(request)
    return response
