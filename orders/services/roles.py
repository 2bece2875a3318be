"""The staff roles of the shop: groups of permissions with names that say what they are for.

`roles_sync` creates or updates the groups (a data migration runs it, and it can be run
again at any time); an administrator gives people roles in the admin (Users → Groups).
Permission codenames are `app_label.codename`; a model name alone stands for its
add/change/delete/view permissions.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

CATALOG_MODELS = [
    "product",
    "section",
    "optiongroup",
    "option",
    "parameter",
    "textfield",
    "rule",
    "pricerule",
    "previewlayer",
    "size",
]
MERCHANDISER = [
    *(f"catalog.{action}_{model}" for model in CATALOG_MODELS for action in ("add", "change", "delete", "view")),
    "catalog.view_catalogversion",
    "catalog.view_publishschedule",
    # What shoppers do with the catalog: the Insights page (decision 30).
    "insights.view_productinsight",
    # The guided questions that propose a configuration (issue 19).
    *(
        f"personalisation.{action}_{model}"
        for model in ("question", "answer")
        for action in ("add", "change", "delete", "view")
    ),
    # The starting points shoppers are offered (issue 19).
    *(f"personalisation.{action}_pinnedpreset" for action in ("add", "change", "delete", "view")),
]
ORDERS_MODELS = ["order", "orderevent", "buildorder", "factoryendpoint", "delivery", "outboxmessage", "auditentry"]

#: role name → permissions ("app.codename")
ROLES: dict[str, list[str]] = {
    # Edit the draft catalog; publishing is someone else's (issue 18).
    "Merchandiser": MERCHANDISER,
    # Edit the draft catalog and publish it: now, on a schedule, or by rolling back to a version.
    "Catalog publisher": [
        *MERCHANDISER,
        "catalog.publish_product",
        *(f"catalog.{action}_publishschedule" for action in ("add", "change")),
    ],
    # Look at everything, change nothing, see no shopper's personal data.
    "Viewers": [
        *(f"catalog.view_{model}" for model in [*CATALOG_MODELS, "catalogversion", "publishschedule"]),
        *(f"orders.view_{model}" for model in ORDERS_MODELS),
        # Which e-mails went out and when; the errors are kinds and SMTP codes, never an address.
        "orders.view_orderemail",
        "insights.view_productinsight",
    ],
    # Run the factory side: endpoints, their secrets and tokens, deliveries and replays.
    "Factory operators": [
        *(f"orders.view_{model}" for model in ORDERS_MODELS),
        "orders.add_factoryendpoint",
        "orders.change_factoryendpoint",
        "orders.manage_factories",
        "orders.replay_delivery",
        "orders.retry_now",
    ],
    # Answer shoppers: orders with their personal data, and erase it when a shopper asks.
    "Customer service": [
        "orders.view_order",
        "orders.change_order",
        "orders.view_orderevent",
        "orders.view_orderemail",
        "orders.view_buildorder",
        "orders.view_personal_data",
    ],
}


def roles_sync_in_migration(apps: Any, schema_editor: Any) -> None:
    """Create the permissions that exist so far, then sync the roles: for a migration's RunPython.

    Django creates permissions after all migrations ran; a migration whose models add
    permissions the roles list needs them now.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


def roles_sync(apps: Any = global_apps) -> None:
    """Create the groups of ROLES, or set their permissions to exactly those listed."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                if _model_not_migrated(apps, app_label, codename):
                    continue  # the migration that creates it syncs the roles again
                raise LookupError(f"role {name!r}: no permission {dotted!r}")
            wanted.append(permission)
        group.permissions.set(wanted)


def _model_not_migrated(apps: Any, app_label: str, codename: str) -> bool:
    """Whether `codename` belongs to a model, or a custom permission, the migrations have not made yet."""
    action, _sep, model = codename.partition("_")
    if action not in ("add", "change", "delete", "view"):
        # A custom permission: declared in some model's Meta, as the migrations have it so far.
        declared = (name for m in apps.get_app_config(app_label).get_models() for name, _text in m._meta.permissions)
        return codename not in declared
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return True
    return False
