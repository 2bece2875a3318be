"""Join "often chosen with" (0003) and the returning shopper's data (0005): independent tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("personalisation", "0003_cooccurrence"),
        ("personalisation", "0005_returning"),
    ]

    operations: list[migrations.operations.base.Operation] = []
