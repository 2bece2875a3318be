"""What the configurator page shows: steps, options with their reasons, ranges, price, summary.

The view asks the services for a typed `ConfigurationAnswer` and hands it, with the
shopper's own input, to `build_page`, whose small functions (fields, steps, summary,
wording) fill a typed `ConfiguratorPage` the template renders without logic. Nothing
here calls the engine or the services' writes, and nothing parses a number back.
"""

from configurator.pages.building import build_page
from configurator.pages.links import configure_url, state_pairs
from configurator.pages.page import ConfiguratorPage, DraftView, ShareView
from configurator.pages.steps import OTHER, SUMMARY
from configurator.pages.summary import orderable

__all__ = [
    "OTHER",
    "SUMMARY",
    "ConfiguratorPage",
    "DraftView",
    "ShareView",
    "build_page",
    "configure_url",
    "orderable",
    "state_pairs",
]
