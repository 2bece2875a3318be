from django.db import migrations


class Migration(migrations.Migration):
    """Join the guided questions' and the returning shopper's migrations."""

    dependencies = [
        ("personalisation", "0004_guided"),
        ("personalisation", "0005_returning"),
    ]

    operations: list[migrations.operations.base.Operation] = []
