"""The merchandisers' pages for personalisation, one module per feature; importing them registers them."""

from personalisation import (
    admin_guided,  # noqa: F401
    admin_popular,  # noqa: F401
)
