"""Join "often chosen with" (0003) to the other features' migrations, as main holds them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("personalisation", "0003_cooccurrence"),
        ("personalisation", "0006_merge_personalisation"),
    ]

    operations: list[migrations.operations.base.Operation] = []
