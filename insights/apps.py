from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from insights.recording import flush_on_finish

        # After the response is sent: a request's events are written once the shopper has their page.
        request_finished.connect(flush_on_finish, dispatch_uid="insights.flush")
