"""The shopper's personalisation pages (under the language prefix)."""

from django.urls import URLPattern, URLResolver, path

from personalisation import guided_views

app_name = "personalisation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("p/<slug:code>/questions/", guided_views.guided, name="guided"),
]
