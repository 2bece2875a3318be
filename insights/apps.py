from django.apps import AppConfig
from django.core.cache import close_caches
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from insights.recording import flush_on_finish

        # After the response is sent: a request's events are written once the shopper has their page,
        # and before Django closes the request's database and cache connections (receivers run in the
        # order they were connected, and Django connected its own on import): the write uses the
        # request's connection, which is then closed as usual, instead of opening one that stays idle.
        request_finished.disconnect(close_old_connections)
        request_finished.disconnect(close_caches)
        request_finished.connect(flush_on_finish, dispatch_uid="insights.flush")
        request_finished.connect(close_old_connections)
        request_finished.connect(close_caches)
