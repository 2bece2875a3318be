"""Staff sign-in attempts (django-axes): its cleanup action needs the permission to delete them.

axes' own admin declares no permission on "Clean up expired attempts", so anyone who may see
the attempts could delete them; every action here declares its permission (test_permissions).
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SignInAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]  # axes ships no types
    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: Any) -> None:
        super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, SignInAttemptAdmin)
