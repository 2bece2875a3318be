"""The shopper's personalisation pages (under the language prefix)."""

from django.urls import URLPattern, URLResolver

app_name = "personalisation"

urlpatterns: list[URLPattern | URLResolver] = []
