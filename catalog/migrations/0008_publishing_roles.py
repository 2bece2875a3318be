"""Split the catalog role in two: "Merchandiser" edits the draft, "Catalog publisher" also publishes.

The former "Merchandisers" group could publish: its members become catalog publishers, so
nobody loses a right by this migration; an administrator moves editors to "Merchandiser".
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_split(apps, schema_editor):  # type: ignore[no-untyped-def]
    from orders.services.roles import roles_sync

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    former = group_model.objects.filter(name="Merchandisers").first()
    if former is not None:
        publishers = group_model.objects.filter(name="Catalog publisher").first()
        if publishers is None:
            former.name = "Catalog publisher"
            former.save(update_fields=["name"])
        else:
            publishers.user_set.add(*former.user_set.all())
            former.delete()
    roles_sync(apps)


def roles_join(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Going back: publishers are "Merchandisers" again; editors keep their own group."""
    group_model = apps.get_model("auth", "Group")
    group_model.objects.filter(name="Catalog publisher").update(name="Merchandisers")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_publish_schedule"),
        ("orders", "0013_order_index_factory_back"),
        ("insights", "0002_product_insight"),
    ]

    operations = [migrations.RunPython(roles_split, roles_join)]
