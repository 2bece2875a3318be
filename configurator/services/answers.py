"""The engine's answer for one selection, in domain types, as the page and the API receive it.

A click of the configurator page looks its published version's model and compiled
session up once (`version_engine`), asks `configuration_check` once, and hands the typed
`ConfigurationAnswer` to the presenter; only the API turns it into the wire format
(`configuring.answer_data`). Nothing here formats a number or words a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import CatalogVersion
from configurator.engine.checking import Price, Validation
from configurator.engine.model import Product
from configurator.engine.plausibility import MeasurementWarning, plausibility_warnings
from configurator.engine.selection import Selection
from configurator.engine.session import Propagation, Session
from configurator.loading import version_model, version_session


@dataclass(frozen=True)
class VersionEngine:
    """A published catalog version with its engine model and compiled session, looked up once."""

    version: CatalogVersion
    product: Product
    session: Session


def version_engine(version: CatalogVersion) -> VersionEngine:
    """Return `version` with its (cached) engine model and solver session."""
    return VersionEngine(version=version, product=version_model(version), session=version_session(version))


@dataclass(frozen=True)
class ConfigurationAnswer:
    """What the engine says about one selection: availability and reasons, ranges, validity, price."""

    selection: Selection
    propagation: Propagation
    price: Price
    #: The check of the selection exactly as it stands, made only once every decision is
    #: made and nothing conflicts (None before that).
    validation: Validation | None = None
    #: The warning rules the shopper's values break: advice to check them, never a block.
    warnings: tuple[MeasurementWarning, ...] = ()

    @property
    def valid(self) -> bool:
        """No decision of the shopper's conflicts with another (the rules allow a completion)."""
        return self.propagation.valid

    @property
    def complete(self) -> bool:
        """Every decision is made and the configuration can be built as it stands."""
        return self.validation is not None and self.validation.valid


def configuration_check(engine: VersionEngine, selection: Selection, language: str) -> ConfigurationAnswer:
    """Propagate an already read `selection`, validate it once it is complete, and price it.

    `language` names the price lines (the engine labels them); everything else is data.
    """
    result = engine.session.propagate(selection)
    # Every decision is made: check the selection exactly as it stands (unticked options out).
    validation = engine.session.validate(selection) if result.valid and result.complete else None
    price = engine.session.price(selection, language)
    warnings = plausibility_warnings(engine.product, selection)
    return ConfigurationAnswer(
        selection=selection, propagation=result, price=price, validation=validation, warnings=warnings
    )
