from django.db import migrations


def create_counter(apps, schema_editor):
    # The one row whose lock serializes feed position assignment (services.feed_positions_assign).
    apps.get_model("orders", "FeedCounter").objects.get_or_create(pk=1, defaults={"last_position": 0})


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
