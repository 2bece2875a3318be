"""The Celery app (`celery -A config worker`, `celery -A config beat`)."""

from __future__ import annotations

import contextlib
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def background_priority(**_: object) -> None:
    """Lower each worker process's CPU priority by CELERY_WORKER_NICE (default 5; 0 keeps it).

    Every task is background work (compiling a published version, deliveries, e-mails,
    rollups): where web and Celery workers share cores, shoppers' requests go first.
    """
    nice = int(os.environ.get("CELERY_WORKER_NICE", "5") or 0)
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
