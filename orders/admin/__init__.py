"""Operators' admin: orders with their history, factory endpoints and tokens, deliveries with replay.

Permissions (Meta.permissions in orders.models): `view_personal_data` shows shoppers'
name, e-mail, address, notes and secret link; `manage_factories` is needed, on top of
the model's add/change permission, for any write to an endpoint (URL, internal flag,
signing secret) and to create or revoke tokens; `replay_delivery` for the replay
action. Orders are never deleted here. Every action leaves an audit entry
(orders.services.audit) and a LogEntry ("Recent actions"). Staff sign-in attempts
(django-axes) are re-registered so that their cleanup needs the delete permission.
"""

from orders.admin import audit, factories, orders, signins
from orders.admin.orders import view_on_site

__all__ = ["audit", "factories", "orders", "signins", "view_on_site"]
