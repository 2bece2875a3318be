"""Writes of the orders domain: placing orders, their status, the outbox and its deliveries, privacy.

Every entry point (the checkout page, the orders API, the factory API, the admin, the
Celery tasks and the management commands) calls these functions; none writes orders
or deliveries itself. Payment plugs into `order_place` (see `orders.services.ordering`).
"""

from __future__ import annotations

from configurator.engine.selection import SelectionError
from orders.services.audit import audit_record, cli_actor
from orders.services.delivery import (
    delivery_attempt,
    delivery_replay,
    endpoint_retries_due,
    outbox_fan_out,
    outbox_sweep,
    retry_delay,
)
from orders.services.emails import (
    deliverable,
    order_email_message,
    order_email_queue,
    order_email_send,
    order_emails_sweep,
)
from orders.services.factories import (
    endpoint_disable,
    endpoint_save,
    feed_positions_assign,
    routes_assign,
    secret_generate,
    secrets_reencrypt,
    token_create,
    token_hash,
    token_revoke,
)
from orders.services.ordering import (
    ConfigurationRejected,
    Customer,
    IdempotencyConflict,
    Placement,
    StatusError,
    order_check,
    order_place,
    order_status_set,
    request_fingerprint,
)
from orders.services.privacy import (
    ShopperDataHolder,
    ShopperErasure,
    order_anonymise,
    order_data_export,
    personal_data_expire,
    shopper_can_erase,
    shopper_data_holder_register,
    shopper_erase,
    shopper_export,
    shopper_holds_data,
)

__all__ = [
    "ConfigurationRejected",
    "Customer",
    "IdempotencyConflict",
    "Placement",
    "SelectionError",
    "ShopperDataHolder",
    "ShopperErasure",
    "StatusError",
    "audit_record",
    "cli_actor",
    "deliverable",
    "delivery_attempt",
    "delivery_replay",
    "endpoint_disable",
    "endpoint_retries_due",
    "endpoint_save",
    "feed_positions_assign",
    "order_anonymise",
    "order_check",
    "order_data_export",
    "order_email_message",
    "order_email_queue",
    "order_email_send",
    "order_emails_sweep",
    "order_place",
    "order_status_set",
    "outbox_fan_out",
    "outbox_sweep",
    "personal_data_expire",
    "request_fingerprint",
    "retry_delay",
    "routes_assign",
    "secret_generate",
    "secrets_reencrypt",
    "shopper_can_erase",
    "shopper_data_holder_register",
    "shopper_erase",
    "shopper_export",
    "shopper_holds_data",
    "token_create",
    "token_hash",
    "token_revoke",
]
