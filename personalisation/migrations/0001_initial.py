from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: each feature's tables come in a migration of its own."""

    initial = True
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
