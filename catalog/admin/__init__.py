"""The merchandisers' admin: edit the draft catalog, check it, publish versions.

One module per page family; importing them registers their admins.
"""

from catalog.admin import parts, products, schedules, versions

__all__ = ["parts", "products", "schedules", "versions"]
