"""Name audit entries in the plural, and give the actor a help text the admin can show (no <tags>)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_staff_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-at", "-id"], "verbose_name": "audit entry", "verbose_name_plural": "audit entries"},
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.CharField(
                help_text="admin:USER, cli:OS-USER, factory:NAME, shopper, command or retention",
                max_length=200,
                verbose_name="actor",
            ),
        ),
    ]
