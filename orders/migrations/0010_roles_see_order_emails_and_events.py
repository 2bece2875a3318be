"""Sync the staff roles again: Customer service and Viewers see an order's e-mails and status history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_resync(apps, schema_editor):  # type: ignore[no-untyped-def]
    from orders.services.roles import roles_sync

    # The order e-mail model is new since the roles were made (0009): its permissions are normally
    # created after all migrations ran, and the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_order_emails"),
    ]

    operations = [migrations.RunPython(roles_resync, migrations.RunPython.noop)]
