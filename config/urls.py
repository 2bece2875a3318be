"""Project URLs: the shop (per language), the admin, the API and operations."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health, language, media
from config.throttling import throttle
from configurator import preview_views
from orders import views as orders_views
from orders.admin import view_on_site

admin.site.site_header = _("Configurator — catalog administration")
admin.site.site_title = _("Configurator admin")
admin.site.index_title = _("Catalog, orders and factory")

# `/api/` paths answer these as JSON in the one error shape; the shop keeps its HTML pages.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Media through the media store, with DEBUG off too (config.media says who may see what).
    path(settings.MEDIA_URL.lstrip("/") + "<path:name>", media.media_file, name="media"),
    path("preview/<str:key>-<str:size>.<str:fmt>", preview_views.preview_image, name="preview-image"),
    # Our own switch (it translates `next` from any language); the same URL and name as Django's.
    path("i18n/setlang/", language.set_language, name="set_language"),
    # Before the admin's own: "View on site" only for those who may see the object (an order's link is secret).
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    # Sign-in attempts per address, whatever the user (django-axes locks a user+address pair):
    # each attempt costs a password hash, so a flood of them is a CPU flood.
    path("admin/login/", throttle("login", methods=("POST",))(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("configurator.api_urls")),
    path("api/v1/", include("orders.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the pinned sidecar package; its start-up script is a file of its own
    # (`?script`), so the Content-Security-Policy needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
urlpatterns += i18n_patterns(
    path("", include("configurator.urls")),
    path("orders/", include("orders.urls")),
    path("", include("personalisation.urls")),
    path("privacy/", orders_views.privacy, name="privacy"),
    prefix_default_language=False,
)
