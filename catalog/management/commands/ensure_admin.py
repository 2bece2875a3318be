"""`python manage.py ensure_admin`: make sure an admin account exists (for `make run`)."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the admin user ADMIN_USERNAME (default: admin) with ADMIN_PASSWORD, or a generated "
        "password printed once and saved to var/admin-password.txt. Does nothing if the user exists."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("ADMIN_USERNAME", "admin")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            self.stdout.write(f"admin user '{username}' exists (password: as set before; see var/admin-password.txt)")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email=os.environ.get("ADMIN_EMAIL", ""), password=password)
        if "ADMIN_PASSWORD" not in os.environ:
            path = settings.VAR_DIR / "admin-password.txt"
            path.write_text(f"{username} {password}\n")
            path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"created admin user '{username}' with password: {password}"))
