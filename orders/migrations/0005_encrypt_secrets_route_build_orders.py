"""Encrypt the signing secrets stored in clear; route existing build orders to their factories.

A build order already fanned out is routed to the endpoints it was delivered to (the
durable record of who received it); one not yet fanned out to the endpoints active now.
"""

import django.core.validators
from django.db import migrations

import orders.encryption


def encrypt_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    FactoryEndpoint = apps.get_model("orders", "FactoryEndpoint")
    for pk, secret in FactoryEndpoint.objects.values_list("pk", "secret"):
        FactoryEndpoint.objects.filter(pk=pk).update(secret=orders.encryption.encrypt(secret))


def decrypt_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    FactoryEndpoint = apps.get_model("orders", "FactoryEndpoint")
    for pk, secret in FactoryEndpoint.objects.values_list("pk", "secret"):
        FactoryEndpoint.objects.filter(pk=pk).update(secret=orders.encryption.decrypt(secret))


def route_build_orders(apps, schema_editor):  # type: ignore[no-untyped-def]
    BuildOrder = apps.get_model("orders", "BuildOrder")
    Delivery = apps.get_model("orders", "Delivery")
    FactoryEndpoint = apps.get_model("orders", "FactoryEndpoint")
    FactoryRoute = apps.get_model("orders", "FactoryRoute")
    active = list(FactoryEndpoint.objects.filter(active=True).values_list("pk", flat=True))
    routes = []
    for build_order in BuildOrder.objects.select_related("outbox").iterator():
        outbox = getattr(build_order, "outbox", None)
        if outbox is not None and outbox.fanned_out_at is not None:
            endpoints = Delivery.objects.filter(message=outbox).values_list("endpoint_id", flat=True)
        else:
            endpoints = active
        routes += [FactoryRoute(build_order_id=build_order.pk, endpoint_id=e) for e in endpoints]
    FactoryRoute.objects.bulk_create(routes, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_trust_routes_audit_permissions")]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AlterField(
            model_name="factoryendpoint",
            name="secret",
            field=orders.encryption.EncryptedTextField(
                validators=[
                    django.core.validators.RegexValidator(
                        "^whsec_[A-Za-z0-9+/=]{16,}$", "A secret looks like whsec_ followed by base64."
                    )
                ],
                verbose_name="signing secret",
            ),
        ),
        migrations.RunPython(route_build_orders, migrations.RunPython.noop),
    ]
