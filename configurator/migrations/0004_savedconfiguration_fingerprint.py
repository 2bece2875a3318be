"""Give saved configurations a fingerprint, so saving the same one twice returns the same code.

Rows saved before get theirs computed here; where several rows hold the same
configuration on the same version, the oldest keeps the fingerprint (its code is the
one a new save returns) and the others keep opening under their own codes.
"""

from typing import Any

from django.db import migrations, models

from configurator.models import configuration_fingerprint


def fingerprints_fill(apps: Any, schema_editor: Any) -> None:
    saved_model = apps.get_model("configurator", "SavedConfiguration")
    taken: set[str] = set()
    for saved in saved_model.objects.order_by("created_at", "id").iterator():
        fingerprint = configuration_fingerprint(saved.version_id, saved.data)
        if fingerprint not in taken:
            taken.add(fingerprint)
            saved.fingerprint = fingerprint
            saved.save(update_fields=["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("configurator", "0003_cache_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="savedconfiguration",
            name="fingerprint",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True, verbose_name="fingerprint"
            ),
        ),
        migrations.RunPython(fingerprints_fill, migrations.RunPython.noop),
    ]
