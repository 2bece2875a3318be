"""The Insights page's admin entry (a proxy of the product) and its permission, given to two roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_resync(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Give Merchandisers and Viewers "Can view insights" (roles_sync skipped it until now)."""
    from orders.services.roles import roles_sync

    # Permissions are normally created after all migrations ran; the roles need this one now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_size_tables_warning_rules'),
        ('insights', '0001_initial'),
        ('orders', '0011_order_email_rejected'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductInsight',
            fields=[
            ],
            options={
                'verbose_name': 'insights',
                'verbose_name_plural': 'insights',
                'proxy': True,
                'default_permissions': ('view',),
                'indexes': [],
                'constraints': [],
            },
            bases=('catalog.product',),
        ),
        migrations.RunPython(roles_resync, migrations.RunPython.noop),
    ]
