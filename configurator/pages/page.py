"""The configurator page as the template reads it: typed, already worded, no logic left to do.

`building.build_page` fills a `ConfiguratorPage` from the engine's typed answer and the
shopper's own input; the template only loops and prints. Numbers stay `Decimal` so the
template formats them in the shopper's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from configurator.preview import PreviewUrls
from personalisation.cooccurrence.page import OftenChosenView

if TYPE_CHECKING:
    from personalisation.returning import ReturningView
    from personalisation.starting import StartingPointView


@dataclass
class OptionView:
    code: str
    name: str
    description: str
    price: Decimal
    swatch: str
    checked: bool
    available: bool
    reason: str = ""
    #: False when only the rules exclude it (no change of the shopper's can make it possible).
    can_force: bool = False
    #: The groups whose choices exclude it (empty when available).
    excluded_by: frozenset[str] = frozenset()


@dataclass
class GroupView:
    code: str
    name: str
    description: str
    kind: str
    required: bool
    display: str
    options: list[OptionView]
    decided_none: bool = False
    errors: list[str] = field(default_factory=list)
    #: The choice is still the first look's suggestion (marked, and giving way to the shopper's).
    suggested: bool = False
    #: ... and its step has not been left yet, so it is not the shopper's decision for the stepper.
    suggestion_pending: bool = False

    @property
    def decided(self) -> bool:
        return self.decided_none or any(o.checked for o in self.options)


@dataclass(frozen=True)
class GuideView:
    """How to take a measurement: a static picture (no words in it) and the text in the shopper's language."""

    image: str
    text: str


@dataclass(frozen=True)
class WarningView:
    """A plausibility warning shown beside a field it names (advice, never a block)."""

    code: str
    text: str


@dataclass
class ParameterView:
    code: str
    name: str
    description: str
    unit: str
    min: Decimal
    max: Decimal
    step: Decimal
    #: The range the shopper's other choices leave (None: no value fits them).
    live_min: Decimal | None
    live_max: Decimal | None
    #: What the field shows: the shopper's value, or what they typed when it was set aside.
    value: str
    errors: list[str] = field(default_factory=list)
    guide: GuideView | None = None
    #: The value is an estimate from a standard size the shopper has not confirmed yet.
    estimated: bool = False
    warnings: list[WarningView] = field(default_factory=list)

    @property
    def given(self) -> bool:
        """The shopper gave a value the configuration holds (not one set aside as unreadable)."""
        return bool(self.value) and not self.errors

    @property
    def narrowed(self) -> bool:
        return (self.live_min, self.live_max) != (self.min, self.max)

    @property
    def narrowed_range(self) -> tuple[Decimal, Decimal] | None:
        """The range the other choices leave, when narrower than the measurement's own (else None)."""
        if self.live_min is None or self.live_max is None or not self.narrowed:
            return None
        return self.live_min, self.live_max


@dataclass
class TextView:
    code: str
    name: str
    description: str
    max_length: int
    charset: str
    required: bool
    value: str
    errors: list[str] = field(default_factory=list)
    #: The allowed characters in words ("letters A–Z and dots"); "" when any character goes.
    allowed: str = ""
    #: Small letters are read as capitals, so the field shows capitals as they are typed.
    capitals: bool = False


@dataclass
class StepView:
    """One step of the stepper with the fields it shows (or one block of the one-page layout)."""

    code: str
    name: str
    number: int
    groups: list[GroupView] = field(default_factory=list)
    parameters: list[ParameterView] = field(default_factory=list)
    texts: list[TextView] = field(default_factory=list)
    url: str = ""
    #: The shopper has been on this step (the page state's visited steps, or the step shown).
    visited: bool = False

    @property
    def done(self) -> bool:
        """The shopper has visited the step and made its required decisions, all valid.

        Optional decisions may stay open; a field with a message (a value set aside, or
        part of a conflict) or a suggestion not yet the shopper's keeps the step from being done.
        """
        fields: list[GroupView | ParameterView | TextView] = [*self.groups, *self.parameters, *self.texts]
        return (
            self.visited
            and not any(f.errors for f in fields)
            and all(g.decided and not g.suggestion_pending for g in self.groups if g.required)
            and all(p.value and not p.estimated for p in self.parameters)
            and all(t.value for t in self.texts if t.required)
        )

    @property
    def codes(self) -> set[str]:
        """The codes of the fields this step shows."""
        return {*(g.code for g in self.groups), *(p.code for p in self.parameters), *(t.code for t in self.texts)}


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: str
    url: str
    missing: bool = False
    #: A measurement filled in from a standard size, still to check.
    estimated: bool = False


@dataclass(frozen=True)
class PriceLineView:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class PriceView:
    currency: str
    total: Decimal
    lines: tuple[PriceLineView, ...]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass(frozen=True)
class SizeChoice:
    """A standard size the shopper may start from."""

    code: str
    name: str
    #: The estimates on the page come from this size.
    current: bool


@dataclass(frozen=True)
class SizingView:
    """The product's size table and the estimates still to check."""

    sizes: tuple[SizeChoice, ...]
    #: The name of the size the estimates come from ('' when there are none).
    size_name: str
    #: The names of the measurements still estimates, in the product's order.
    estimated: tuple[str, ...]


@dataclass(frozen=True)
class ShareView:
    """A saved configuration's code and the link that opens it."""

    code: str
    url: str


@dataclass(frozen=True)
class DraftView:
    """The banner of a draft tried by staff: where its product is edited in the admin."""

    admin_url: str


@dataclass
class ConfiguratorPage:
    """Everything the configurator page (or one of its htmx fragments) shows."""

    product_code: str
    product_name: str
    #: Working days to make it (the engine Product's): the summary's dispatch date, with no query.
    lead_time_days: int
    steps: list[StepView]
    #: The step shown (a summary step after the last one).
    step: StepView
    previous_step: str
    next_step: str
    one_page: bool
    #: Decisions on fields the step does not show, carried by the form as hidden inputs.
    hidden: list[tuple[str, str]]
    #: The page state the form and every link carry (visited steps), as (key, value) pairs.
    state: list[tuple[str, str]]
    #: (level, text) pairs: "success", "info", "warning" or "error".
    notices: list[tuple[str, str]]
    #: Why the shopper's choices cannot be built together ('' when they can).
    conflict: str
    complete: bool
    progress: Progress
    price: PriceView
    summary: list[SummaryRow]
    selection_pairs: list[tuple[str, str]]
    canonical_url: str
    summary_url: str
    #: The checkout link, only when the configuration can be ordered ('' otherwise).
    order_url: str
    #: The text field being typed in (an htmx check as it is typed), if any.
    live_text: TextView | None
    preview: PreviewUrls
    #: The preview described in words (its alt text).
    preview_alt: str = ""
    share: ShareView | None = None
    #: The size table (None when the product has none) and the estimates to check.
    sizing: SizingView | None = None
    #: The visit this page belongs to and what it shows, for insights (`_visit`, `_prev`; '' when not recorded).
    visit: str = ""
    prev: str = ""
    #: The configurator's address: the form and every htmx request stay on it.
    form_url: str = ""
    #: The configuration can be built and ordered as it stands (`orderable`), draft or not.
    ready: bool = False
    #: Set when staff try the draft: a banner, and no saving, sharing or ordering.
    draft: DraftView | None = None
    #: The guided questions' offer or proposal (personalisation/guided.py's GuidedView; None: nothing).
    guided: object | None = None
    #: Where a shopper arriving on the bare address may start (personalisation.starting); empty otherwise.
    starting_points: list[StartingPointView] = field(default_factory=list)
    #: Options shoppers with the same choices ordered together, for the step shown (personalisation).
    often_chosen: OftenChosenView | None = None
    #: The fields holding a returning shopper's own measurements (personalisation.returning).
    returning: ReturningView | None = None
