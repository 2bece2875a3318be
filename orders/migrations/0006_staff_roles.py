"""Create the staff roles (groups) of orders.services.roles, with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from orders.services.roles import roles_sync

    # Permissions are normally made after all migrations ran; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0003_product_publish_permission"),
        ("orders", "0005_encrypt_secrets_route_build_orders"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
