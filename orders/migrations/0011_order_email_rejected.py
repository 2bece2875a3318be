"""A rejected order is e-mailed too: the e-mail kinds gain "rejected"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_roles_see_order_emails_and_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="orderemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("placed", "Order confirmation"),
                    ("accepted", "Accepted by the workshop"),
                    ("shipped", "Shipped"),
                    ("rejected", "Rejected"),
                ],
                max_length=20,
                verbose_name="e-mail",
            ),
        ),
    ]
