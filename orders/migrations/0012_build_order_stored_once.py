"""Store each build order once: the outbox's body is made from the build order's payload.

Every outbox message kept the build order's JSON a second time as its body (~7 KB an
order). Before the column goes, each body that does not say what its payload says (none
should) wins: it is what the factory was sent. Reversing writes the bodies back.
"""

import json

from django.db import migrations


def payload_from_body(apps, schema_editor):
    OutboxMessage = apps.get_model("orders", "OutboxMessage")
    BuildOrder = apps.get_model("orders", "BuildOrder")
    messages = OutboxMessage.objects.select_related("build_order").only("body", "build_order__payload")
    for message in messages.iterator(chunk_size=500):
        sent = json.loads(message.body)
        if sent != message.build_order.payload:
            BuildOrder.objects.filter(pk=message.build_order_id).update(payload=sent)


def body_from_payload(apps, schema_editor):
    OutboxMessage = apps.get_model("orders", "OutboxMessage")
    messages = OutboxMessage.objects.select_related("build_order").only("id", "build_order__payload")
    for message in messages.iterator(chunk_size=500):
        body = json.dumps(message.build_order.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        OutboxMessage.objects.filter(pk=message.pk).update(body=body)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0011_order_email_rejected"),
    ]

    operations = [
        migrations.RunPython(payload_from_body, body_from_payload),
        migrations.RemoveField(
            model_name="outboxmessage",
            name="body",
        ),
    ]
