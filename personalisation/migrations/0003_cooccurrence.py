"""The pairs of options shoppers chose together ("often chosen with"), per product."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("personalisation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OptionPair",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("product_code", models.CharField(max_length=64, verbose_name="product")),
                ("if_group", models.CharField(max_length=64, verbose_name="if group")),
                ("if_option", models.CharField(max_length=64, verbose_name="if option")),
                ("then_group", models.CharField(max_length=64, verbose_name="then group")),
                ("then_option", models.CharField(max_length=64, verbose_name="then option")),
                ("together", models.PositiveIntegerField(verbose_name="together")),
                ("if_count", models.PositiveIntegerField(verbose_name="configurations with the first option")),
                ("then_count", models.PositiveIntegerField(verbose_name="configurations with the second option")),
                ("baskets", models.PositiveIntegerField(verbose_name="configurations")),
                ("confidence", models.FloatField(verbose_name="confidence")),
                ("lift", models.FloatField(verbose_name="lift")),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
            ],
            options={
                "verbose_name": "option pair",
                "verbose_name_plural": "option pairs",
                "indexes": [models.Index(fields=["product_code", "then_group"], name="optionpair_then_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("product_code", "if_group", "if_option", "then_group", "then_option"),
                        name="optionpair_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("together__lte", models.F("if_count")), ("together__lte", models.F("then_count"))
                        ),
                        name="optionpair_together_within_counts",
                    ),
                ],
            },
        ),
    ]
