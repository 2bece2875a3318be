"""The shopper's pages call these to record what happened in a request of a visit.

A view asks `visit_for` once it has read the request: it says which visit the request
belongs to (minting a new one when the request carries none that is usable, or when the
shopper arrives), and tells the shopper's own changes from the page state `_prev` the
request carries. The view adds what its action did (`finish`, `anyway_applied`...), then
`page_shown` records it all with the page it renders (and writes `_visit` and the new
`_prev` into that page), or `page_left` when it answers without a page. Everything goes
to the per-thread buffer of `insights.recording`, written after the response.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest
from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Reason
from configurator.forms import SUGGESTED, PageInput, suggestions_read
from configurator.pages import ConfiguratorPage
from configurator.services import VersionEngine
from insights import recording
from insights.models import Event
from insights.privacy import VisitorSource, recordable, visitor_source
from insights.stages import CHECKOUT, ORDER, stage_of
from insights.visits import (
    PREV,
    VISIT,
    PageState,
    field_sums,
    state_read,
    state_text,
    visit_day,
    visit_mint,
    visit_start,
)

Kind = Event.Kind
#: The length of Event.rules and Event.changes.
_LIST_LENGTH = 500


@dataclass
class Visit:
    """The visit a request belongs to, and the events it has to record."""

    id: str
    day: date
    product: Product
    version: int
    #: What the page the request came from showed (None: unknown, nothing is compared).
    prev: PageState | None
    #: The visit starts with this request: its `visit` event comes first.
    new: bool
    source: VisitorSource | None = None
    drafts: list[Event] = field(default_factory=list)

    def note(self, kind: str, **fields: object) -> None:
        """Add an event of `kind` to record (its step is the stage the shopper was on, unless given)."""
        self.drafts.append(Event(kind=kind, **fields))

    def url(self, address: str) -> str:
        """Return `address` carrying this visit (`_visit`), for a link that continues it."""
        return f"{address}{'&' if '?' in address else '?'}{urlencode({VISIT: self.id})}"


def _raw(request: HttpRequest, key: str) -> str:
    return (
        str(request.POST.get(key) or request.GET.get(key) or "")
        if request.method == "POST"
        else request.GET.get(key, "")
    )


def _from_this_site(request: HttpRequest) -> bool:
    """Say whether the page that sent the shopper here is one of this site's (its Referer names this host)."""
    referer = request.headers.get("Referer", "")
    return bool(referer) and urlsplit(referer).netloc.lower() == request.get_host().lower()


def _carried_visit(request: HttpRequest) -> str:
    """Return the `_visit` the request continues: a form's (posted, or sent by htmx) always; in a page's
    address only when the shopper came from a page of this site (the redirects after saving or an action,
    the Order link). An address copied with `_visit` in it and opened elsewhere starts its own visit."""
    if request.method == "POST" or request.headers.get("HX-Request") == "true" or _from_this_site(request):
        return _raw(request, VISIT)
    return ""


def _from_product_page(request: HttpRequest, product: Product) -> bool:
    """Say whether the Referer is this product's configurator page on this site (whatever its query)."""
    if not _from_this_site(request):
        return False
    path = urlsplit(request.headers.get("Referer", "")).path
    return path == reverse("configurator:configure", args=[product.code])


def visit_for(
    request: HttpRequest, product: Product, version: int, *, arriving: bool = False, sent: PageInput | None = None
) -> Visit | None:
    """Return the visit `request` belongs to, or None when it is not to be recorded.

    A new visit starts when the request carries no usable `_visit` (`visit_start`: well formed,
    at most two days old), or when the shopper arrives other than by a link of this very
    product's configurator page ("Start from a popular build" carries the visit: the shopper
    goes on, from that page, on this product). `sent` (the page input as the request carried
    it) is compared with the page state `_prev` to note the shopper's own changes; a check as
    a text is typed (`_live`) notes none.
    """
    if not recordable(request):
        return None
    now = recording.now()
    if arriving:
        carried = _raw(request, VISIT) if _from_product_page(request, product) else ""
    else:
        carried = _carried_visit(request)
    start = visit_start(carried, now) if carried else None
    if start is None:
        return Visit(
            id=visit_mint(now),
            day=visit_day(now),
            product=product,
            version=version,
            prev=None,
            new=True,
            source=visitor_source(request),
        )
    prev = state_read(product, _raw(request, PREV))
    visit = Visit(id=carried, day=visit_day(start), product=product, version=version, prev=prev, new=False)
    if prev is not None and sent is not None and not sent.live:
        visit.drafts.extend(changes(product, visit.id, prev, sent))
    return visit


def _group_changes(product: Product, prev: PageState, selection: Selection) -> Iterable[Event]:
    for group in product.groups:
        before = prev.choices.get(group.code, frozenset())
        after = selection.choices.get(group.code, frozenset())
        if after == before:
            continue
        # `chosen` first: a block's outcome is the next event, and picking another option of a
        # radio group unchooses the old one in the same click (the block was answered by a choice).
        for option in group.options:
            if option.code in after and option.code not in before:
                yield Event(kind=Kind.CHOSEN, group=group.code, option=option.code)
        if group.code not in prev.suggested:
            # A suggestion given way is not something the shopper had chosen.
            for option in group.options:
                if option.code in before and option.code not in after:
                    yield Event(kind=Kind.UNCHOSEN, group=group.code, option=option.code)


def changes(product: Product, visit: str, prev: PageState, sent: PageInput) -> list[Event]:
    """Return what the shopper changed since the page `prev`: options chosen and unchosen, fields filled
    (with whether the value was accepted, never the value) and cleared, in catalog order."""
    found = list(_group_changes(product, prev, sent.selection))
    now = field_sums(product, visit, sent.selection, sent.rejected)
    codes = [*(p.code for p in product.parameters), *(t.code for t in product.texts)]
    for code in codes:
        if code in now and now[code] != prev.fields.get(code):
            found.append(Event(kind=Kind.FILLED, field=code, valid=code not in sent.errors))
        elif code not in now and code in prev.fields:
            found.append(Event(kind=Kind.CLEARED, field=code))
    return found


def note(visit: Visit | None, kind: str, **fields: object) -> None:
    """Add an event of `kind` to the visit's (nothing when the request is not recorded)."""
    if visit is not None:
        visit.note(kind, **fields)


def _listed(codes: Iterable[str]) -> str:
    """Join codes with commas, as many whole codes as the event's column holds."""
    text = ""
    for code in codes:
        joined = f"{text},{code}" if text else code
        if len(joined) > _LIST_LENGTH:
            break
        text = joined
    return text


def _rules(reasons: Iterable[Reason]) -> str:
    codes: list[str] = []
    for reason in reasons:
        if reason.rule and reason.rule not in codes:
            codes.append(reason.rule)
    return _listed(codes)


def note_blocked(visit: Visit, group: str, option: str, reasons: tuple[Reason, ...], *, offered: bool) -> None:
    """Note that the shopper asked for an unavailable option, the rules the engine named, and
    whether "choose anyway" was offered for it (it can be, when choices of the shopper's exclude it)."""
    visit.note(Kind.BLOCKED, group=group, option=option, rules=_rules(reasons))
    if offered:
        visit.note(Kind.ANYWAY_OFFERED, group=group, option=option)


def note_wanted(
    visit: Visit | None, engine: VersionEngine, group: str, option: str, before: Selection, after: Selection
) -> None:
    """Note "choose anyway" applied: `blocked` first when the option was unavailable, with the rules
    the engine names for it, then `anyway_applied` with what changed."""
    if visit is None:
        return
    reasons = engine.session.explain(before, group, option)
    if reasons:
        note_blocked(visit, group, option, reasons, offered=any(r.selection is not None for r in reasons))
    note_anyway(visit, group, option, before, after)


def note_anyway(visit: Visit, group: str, option: str, before: Selection, after: Selection) -> None:
    """Note that "choose anyway" chose `group = option`, with the decisions it changed (`kind:code`, no values)."""
    changed = [
        f"group:{g.code}"
        for g in visit.product.groups
        if g.code != group and before.choices.get(g.code) != after.choices.get(g.code)
    ]
    changed += [
        f"parameter:{p.code}"
        for p in visit.product.parameters
        if before.parameters.get(p.code) != after.parameters.get(p.code)
    ]
    changed += [f"text:{t.code}" for t in visit.product.texts if before.texts.get(t.code) != after.texts.get(t.code)]
    visit.note(Kind.ANYWAY_APPLIED, group=group, option=option, changes=_listed(changed))


def _emit(visit: Visit, stage: str, price: Decimal | None, after: Iterable[Event] = ()) -> None:
    """Buffer the visit's events: `visit` first when it starts here, its notes, then `after`."""
    events = [*visit.drafts, *after]
    visit.drafts = []
    if visit.new:
        events.insert(0, Event(kind=Kind.VISIT, step=stage))
    prev_stage = visit.prev.stage if visit.prev is not None else stage
    prev_price = visit.prev.price if visit.prev is not None else price
    for event in events:
        event.day, event.product, event.version, event.visit = visit.day, visit.product.code, visit.version, visit.id
        if not event.step:
            event.step = prev_stage
        if event.price is None:
            event.price = price if event.kind in (Kind.VISIT, Kind.STEP, Kind.PREVIEW) else prev_price
        recording.record(event, visitor=visit.source if event.kind == Kind.VISIT else None)
    visit.new = False


def page_shown(visit: Visit | None, page: ConfiguratorPage, selection: Selection, rejected: Mapping[str, str]) -> None:
    """Record the visit's events with `page` (showing `selection`), and write `_visit` and `_prev` into it.

    The page's step and preview are recorded when they differ from the previous page's. A page
    that only checks a text as it is typed records nothing: the field's change that follows does.
    """
    if visit is None:
        return
    product = visit.product
    stage = stage_of(product, page.step.code)
    suggested = suggestions_read(product, next((v for k, v in page.state if k == SUGGESTED), ""))
    state = PageState(
        stage=stage,
        choices=selection.choices,
        suggested=frozenset(suggested),
        fields=field_sums(product, visit.id, selection, rejected),
        preview=page.preview.key[:16],
        price=page.price.total,
    )
    page.visit, page.prev = visit.id, state_text(product, state)
    if page.order_url:
        page.order_url = visit.url(page.order_url)
    # Starting from a popular build or a preset goes on with this visit (`visit_for`).
    page.starting_points = [replace(point, url=visit.url(point.url)) for point in page.starting_points]
    if page.live_text is not None:
        visit.drafts = []
        return
    after = []
    if visit.prev is None or visit.prev.stage != stage:
        after.append(Event(kind=Kind.STEP, step=stage, price=page.price.total))
    if visit.prev is None or visit.prev.preview != state.preview:
        after.append(Event(kind=Kind.PREVIEW, step=stage, price=page.price.total))
    _emit(visit, stage, page.price.total, after)


def page_left(visit: Visit | None, *, stage: str = "", price: Decimal | None = None) -> None:
    """Record the visit's events when the answer shows no page (a redirect, a 204)."""
    if visit is not None:
        _emit(visit, stage, price)


def checkout_reached(visit: Visit | None, kind: str, selection: Selection, price: Decimal) -> None:
    """Record the checkout opened (`checkout`) or the order placed (`order`), with the configuration's
    options and its price; the answer shows no configurator page. The checkout view and the simulator
    (its orders) both record through here."""
    if visit is None:
        return
    stage = CHECKOUT if kind == Kind.CHECKOUT else ORDER
    visit.note(kind, step=stage, choices=recording.choices_key(visit.product, selection), price=price)
    page_left(visit, stage=stage, price=price)
