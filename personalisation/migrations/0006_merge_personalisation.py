from django.db import migrations


class Migration(migrations.Migration):
    """Join the features' migrations: popular starting points, guided questions, the returning shopper."""

    dependencies = [
        ("personalisation", "0002_popular"),
        ("personalisation", "0004_guided"),
        ("personalisation", "0005_returning"),
    ]

    operations: list[migrations.operations.base.Operation] = []
