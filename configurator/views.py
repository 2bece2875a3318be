"""Shopper pages: the configurator (page or htmx partial) and saved configurations.

The configurator page is a plain GET form whose fields are the configuration itself
(`?body_colour=red&packs=city&chest=101.5`), so the URL always reproduces what the
shopper sees, and reload, back and forward just work, with or without JavaScript.
With htmx the same view answers a change with the form alone plus out-of-band swaps
of the stepper, price, preview and notices, and pushes the canonical URL.

The same answer serves staff trying a product's draft (configurator/draft_views.py):
`Serving` says which address the page stays on and whether the visit is recorded.
The product list is in listing_views.py, the preview pictures in preview_views.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, replace_url
from django_htmx.middleware import HtmxDetails

from catalog.selectors import version_latest_cached
from config.throttling import throttle, throttle_wait, throttled_response
from configurator import preview, services
from configurator.engine.selection import Selection
from configurator.forms import ACTION, SEEN, SUGGESTED, WANT, PageInput, query_pairs, read_page_input
from configurator.loading import version_serving
from configurator.models import SavedConfiguration, normalize_code
from configurator.pages import (
    OTHER,
    SUMMARY,
    ConfiguratorPage,
    DraftView,
    ShareView,
    build_page,
    configure_url,
    state_pairs,
)
from configurator.pages.notices import finished_notice, size_filled_notice, wanted_notice
from configurator.pages.sizing import size_fill
from configurator.pages.steps import finished_steps
from configurator.pages.wording import confirmed_sentence, set_aside_sentence
from configurator.services import VersionEngine, version_engine
from insights import tracking
from insights.models import Event
from insights.recording import choices_key
from insights.visits import VISIT
from personalisation import returning
from personalisation.cooccurrence.suggesting import often_chosen
from personalisation.guided import guided_page
from personalisation.starting import starting_points

#: An htmx click on an unavailable option sends `_asked=group:option`: recorded, answered 204.
ASKED = "_asked"
#: A refused save sends back into the address the values typed up to this long (longer: named only).
REJECTED_KEPT_CHARACTERS = 100


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (the type only; see django-htmx's docs)."""

    htmx: HtmxDetails


@dataclass(frozen=True)
class Serving:
    """Where and for whom the configurator answers: the shop, or staff trying a product's draft."""

    #: The configurator's address: the form, every link and every htmx request stay on it.
    url: str
    #: The shopper's visit, for insights (None: nothing is recorded, as for a draft).
    visit: tracking.Visit | None = None
    #: Set on the draft: its banner, and no saving, sharing or ordering.
    draft: DraftView | None = None


def _language() -> str:
    return get_language() or "en"


def _decimal_separator() -> str:
    """The decimal separator of the shopper's language: "," in Italian (the point is read too)."""
    return str(get_format("DECIMAL_SEPARATOR"))


def _published(code: str) -> VersionEngine:
    """Return the current version of a product the shop offers, with its engine, or 404."""
    version = version_latest_cached(code)
    if version is None or not version.product.active:
        raise Http404(_("No product with this code is offered."))
    return version_engine(version_serving(version))


def _page(
    request: HttpRequest,
    engine: VersionEngine,
    page: PageInput,
    selection: Selection,
    step: str,
    notices: list[tuple[str, str]],
    serving: Serving,
    *,
    count_looks: bool = True,
) -> ConfiguratorPage | HttpResponse:
    """Ask the engine about `selection` and build the page, or answer 429 for too many new looks.

    `count_looks` False: the look is not counted (a saved configuration's, under its own rate).
    """
    recipe = preview.preview_recipe(engine.product, selection)
    # A look never shown before stores a new recipe: counted against its own, tighter rate.
    if count_looks and not preview.recipe_stored(recipe):
        wait = throttle_wait(request, "preview_recipe")
        if wait is not None:
            return throttled_response(request, wait)
    language = _language()
    answer = services.configuration_check(engine, selection, language)
    urls = preview.preview_urls(recipe)
    built = build_page(
        engine.product,
        page,
        answer,
        step=step,
        notices=notices,
        language=language,
        preview=urls,
        base=serving.url,
        draft=serving.draft,
    )
    # A returning shopper's own measurements are marked as theirs (never on a draft: staff are trying it).
    built.returning = (
        None if serving.draft else returning.measurements_view(request, engine.product, selection.parameters)
    )
    if serving.draft is None:  # learnt from the shop's orders: not offered on a draft
        built.often_chosen = often_chosen(request, engine.product, answer, built, language)
    return built


def _render(
    request: HtmxHttpRequest,
    engine: VersionEngine,
    page: PageInput,
    selection: Selection,
    step: str,
    notices: list[tuple[str, str]],
    serving: Serving,
    *,
    starting: bool = False,
) -> HttpResponse:
    """Render the page or its htmx partial; `starting` offers the starting points of a shopper arriving."""
    page, guided = guided_page(engine, page, selection, serving.visit, _language(), shop=serving.draft is None)
    built = _page(request, engine, page, selection, step, notices, serving)
    if isinstance(built, HttpResponse):
        return built
    built.guided = guided
    if starting and serving.draft is None:
        built.starting_points = starting_points(engine, _language())
    tracking.page_shown(serving.visit, built, selection, page.rejected)
    context = {"page": built}
    if request.htmx and not request.htmx.boosted:
        if built.live_text is not None:
            # Typing: update the field's message and the panels, and the address without a history entry per key.
            response = render(request, "configurator/configure.html#live", context)
            return replace_url(response, built.canonical_url)
        response = render(request, "configurator/configure.html#swap", context)
        return push_url(response, built.canonical_url)
    return render(request, "configurator/configure.html", context)


def _after_action(
    request: HtmxHttpRequest,
    engine: VersionEngine,
    page: PageInput,
    selection: Selection,
    step: str,
    notices: list[tuple[str, str]],
    serving: Serving,
) -> HttpResponse:
    """Answer an action (choose anyway, finish for me): redirect without htmx so reload never repeats it.

    The redirect carries the visit (`_visit`) so that the page it opens continues it.
    """
    if request.htmx:
        return _render(request, engine, page, selection, step, notices, serving)
    for level, text in notices:
        messages.add_message(request, messages.ERROR if level == "error" else messages.SUCCESS, text)
    # The step the action was asked from has been visited.
    seen = page.seen | {page.step}
    state = state_pairs(engine.product, seen, suggested=page.suggested, estimates=page.estimates, guided=page.guided)
    url = configure_url(engine.product, selection, step, rejected=page.rejected, state=state, base=serving.url)
    visit = serving.visit
    tracking.page_left(visit)
    return HttpResponseRedirect(visit.url(url) if visit is not None else url)


def _fill_size(request: HtmxHttpRequest, engine: VersionEngine, page: PageInput, serving: Serving) -> HttpResponse:
    """Fill in the measurements not given yet from the standard size the shopper picked, as estimates.

    Insights record nothing for it: the values are the shop's estimates, not typed by the shopper.
    """
    size = engine.product.size(page.fill)
    if size is None:
        # Never the link's own text: the shop's notice would say whatever the link's author typed.
        notice = ("error", _("This size does not exist."))
        return _after_action(request, engine, page, page.selection, page.step, [notice], serving)
    filled = size_fill(engine.product, page, size)
    notice = size_filled_notice(size.label(_language()), len(filled.estimates.fields))
    return _after_action(request, engine, filled, filled.selection, page.step, [notice], serving)


def _choose_anyway(
    request: HtmxHttpRequest,
    engine: VersionEngine,
    page: PageInput,
    want: tuple[str, str] | None,
    serving: Serving,
) -> HttpResponse:
    """Choose the wanted option, changing what it takes, and say what changed.

    `want` is None when the link named an option the product does not have: the notice says so
    without repeating the link's text.
    """
    language = _language()
    group_code, option_code = want or ("", "")
    group = engine.product.group(group_code)
    option = group.option(option_code) if group else None
    if option is None:
        notice = ("error", _("This option does not exist."))
        return _after_action(request, engine, page, page.selection, page.step, [notice], serving)
    new, changes = services.configuration_apply_wanted(engine, page.selection, group_code, option_code)
    notice = wanted_notice(engine.product, option, changes if new is not None else None, language)
    if new is None:
        return _after_action(request, engine, page, page.selection, page.step, [notice], serving)
    tracking.note_wanted(serving.visit, engine, group_code, option_code, page.selection, new)
    return _after_action(request, engine, page, new, page.step, [notice], serving)


def _finish(request: HtmxHttpRequest, engine: VersionEngine, page: PageInput, serving: Serving) -> HttpResponse:
    """Complete the configuration with the catalog's recommendations ("finish for me")."""
    # Style choices only: measurements are the shopper's body, never filled in or replaced.
    completion = services.configuration_finish(engine.version, page.selection, parameters=False)
    notice = finished_notice(engine.product, completion, _language())
    if completion.configuration is None:
        return _after_action(request, engine, page, page.selection, page.step, [notice], serving)
    tracking.note(serving.visit, Event.Kind.FINISH)
    # The steps Finish decided are done with, as if visited: the stepper counts them beside "complete".
    page = replace(page, seen=page.seen | finished_steps(engine.product, page, completion.configuration))
    return _after_action(request, engine, page, completion.configuration, SUMMARY, [notice], serving)


def _arriving(request: HtmxHttpRequest, page: PageInput) -> bool:
    """Whether the shopper arrives on the page: a full load carrying no page state and asking no action.

    A link from outside (`?_step=measurements`, `?trim=essential&engine=petrol70`) arrives as much
    as the bare address does; the page's own form and links always carry `_seen`.
    """
    state = SEEN in request.GET or SUGGESTED in request.GET
    action = page.want is not None or page.action == "finish" or bool(page.fill or page.confirm)
    return not request.htmx and not state and not action


def _arrival_look(engine: VersionEngine, page: PageInput) -> PageInput:
    """Open on a complete look: the link's decisions kept, the catalog's defaults suggested for the rest."""
    if not (page.selection.choices or page.selection.parameters or page.selection.texts):
        # The bare address: the same look as the product's card on the home page.
        first = services.configuration_first_look(engine.version)
        return replace(page, selection=first, suggested=dict(first.choices)) if first is not None else page
    selection, suggested = services.configuration_first_look_around(engine, page.selection)
    return replace(page, selection=selection, suggested=suggested)


def _asked(
    request: HtmxHttpRequest, engine: VersionEngine, page: PageInput, visit: tracking.Visit | None
) -> HttpResponse:
    """Record that the shopper clicked an unavailable option (`_asked=group:option`); answer 204.

    The rules are those the engine names for the option, with the choices the page showed. A click
    that carries no visit still going on starts none: the page it came from is not redrawn to carry it.
    """
    group_code, _sep, option_code = request.GET.get(ASKED, "").partition(":")
    group = engine.product.group(group_code)
    if visit is not None and not visit.new and group is not None and group.option(option_code) is not None:
        answer = services.configuration_check(engine, page.selection, _language())
        state = next((g for g in answer.propagation.groups if g.code == group_code), None)
        found = next((o for o in state.options if o.code == option_code), None) if state else None
        if found is not None and not found.available:
            offered = any(r.selection is not None for r in found.reasons)
            tracking.note_blocked(visit, group_code, option_code, found.reasons, offered=offered)
        tracking.page_left(visit)
    return HttpResponse(status=204)


@require_GET
@throttle("pages")
def configure(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Show the configurator for `code` with the configuration the query carries."""
    engine = _published(code)
    page, arriving = read_request(request, engine)
    # Before the first look or a refit changes it: what the shopper sent is what they did.
    visit = tracking.visit_for(request, engine.product, engine.version.number, arriving=arriving, sent=page)
    serving = Serving(url=reverse("configurator:configure", args=[code]), visit=visit)
    return configurator_answer(request, engine, page, serving, arriving=arriving)


def read_request(request: HtmxHttpRequest, engine: VersionEngine) -> tuple[PageInput, bool]:
    """Read the configurator's GET request: what it carries, and whether the shopper arrives (`_arriving`)."""
    page = read_page_input(engine.product, query_pairs(request.GET), decimal_separator=_decimal_separator())
    return page, _arriving(request, page)


def configurator_answer(
    request: HtmxHttpRequest, engine: VersionEngine, page: PageInput, serving: Serving, *, arriving: bool
) -> HttpResponse:
    """Answer the configurator's request `page` on `engine`: the page, a partial, or an action's answer.

    `arriving` (`_arriving`) opens on the first look; `serving` says where the page stays and what it records.
    """
    # Only on the bare address: a link that decides choices has already chosen where to start.
    starting = arriving and not (page.selection.choices or page.selection.parameters or page.selection.texts)
    if arriving:
        page = _arrival_look(engine, page)
        if serving.draft is None:
            page = returning.measurements_prefill(request, engine.product, page)
    elif page.suggested:
        selection, suggested = services.configuration_refit(engine, page.selection, page.suggested)
        page = replace(page, selection=selection, suggested=suggested)
    if request.htmx and ASKED in request.GET:
        return _asked(request, engine, page, serving.visit)
    if page.want is not None or WANT in page.errors:
        return _choose_anyway(request, engine, page, page.want, serving)
    if page.action == "finish":
        return _finish(request, engine, page, serving)
    if page.fill:
        return _fill_size(request, engine, page, serving)
    if page.confirm:
        # Settled while reading the page input; an action, so reloading the address never repeats it.
        notice = ("success", confirmed_sentence(engine.product, page.confirm, _language()))
        return _after_action(request, engine, page, page.selection, page.step, [notice], serving)
    return _render(request, engine, page, page.selection, page.step, [], serving, starting=starting)


@require_POST
@throttle("save")
def save(request: HttpRequest, code: str) -> HttpResponse:
    """Save the posted configuration under a short code and show its share link."""
    engine = _published(code)
    pairs = [(k, v) for k, v in query_pairs(request.POST) if k != "csrfmiddlewaretoken"]
    page = read_page_input(engine.product, pairs, decimal_separator=_decimal_separator())
    visit = tracking.visit_for(request, engine.product, engine.version.number)
    if page.errors:
        problems = set_aside_sentence(engine.product, page.errors, page.rejected, _language())
        if problems:
            messages.error(request, _("Not saved: fix these values first. %(problems)s") % {"problems": problems})
        else:
            messages.error(request, _("Some values could not be read; fix them before saving."))
        # Short values go back into the address, so the page shows each beside its field's message;
        # a huge one (a million digits) would make a huge address: the message names it instead.
        kept = {code: raw for code, raw in page.rejected.items() if len(raw) <= REJECTED_KEPT_CHARACTERS}
        # The page state goes back too: without it, measurements filled from a size would read as the shopper's.
        state = state_pairs(
            engine.product, page.seen, suggested=page.suggested, estimates=page.estimates, guided=page.guided
        )
        url = configure_url(engine.product, page.selection, page.step, rejected=kept, state=state)
        return HttpResponseRedirect(visit.url(url) if visit is not None and not visit.new else url)
    selection = page.selection
    query = {"saved": "1"}
    if page.estimates.fields:
        # A saved link reopens without page state: an unchecked estimate would pass for a measurement.
        # One message says both what was saved and what was left out, instead of "Saved as" beside it.
        names = ", ".join(p.label(_language()) for p in engine.product.parameters if p.code in page.estimates.fields)
        messages.warning(request, _("Saved without the estimates still to check: %(names)s.") % {"names": names})
        parameters = {c: v for c, v in selection.parameters.items() if c not in page.estimates.fields}
        selection = Selection(choices=selection.choices, parameters=parameters, texts=selection.texts)
        query = {}
    saved = services.configuration_save(engine.version, selection)
    returning.configuration_saved(request, saved)
    if visit is not None and not visit.new:
        # The saved configuration's page continues this visit: it is no share link opened by someone.
        query[VISIT] = visit.id
    tracking.note(visit, Event.Kind.SAVED, choices=choices_key(engine.product, selection))
    tracking.page_left(visit)
    return HttpResponseRedirect(f"{saved.get_absolute_url()}?{urlencode(query)}" if query else saved.get_absolute_url())


@require_GET
@throttle("share")
def saved(request: HttpRequest, code: str) -> HttpResponse:
    """Open a saved configuration on the current catalog version and say what changed."""
    found = SavedConfiguration.objects.select_related("product").filter(code=normalize_code(code)).first()
    if found is None:
        return render(request, "configurator/saved_missing.html", {"code": code}, status=404)
    state = services.configuration_restore(found)
    version = state.version
    engine = services.version_engine(version)
    visit = tracking.visit_for(request, engine.product, version.number)
    if visit is not None and visit.new:
        visit.note(Event.Kind.SHARE_OPENED, choices=choices_key(engine.product, state.selection))
    share = request.build_absolute_uri(found.get_absolute_url())
    notices: list[tuple[str, str]] = []
    if request.GET.get("saved"):
        notices.append(("success", _("Saved as %(code)s.") % {"code": found.display_code}))
    if state.version_changed:
        heading = _("Our catalog has changed since this configuration was saved.")
        if state.changes:
            notices.append(("warning", heading + " " + " ".join(state.changes)))
        else:
            notices.append(("info", heading + " " + _("Everything you chose is still available.")))
    # A saved configuration was made step by step: every step counts as visited.
    seen = frozenset({*(section.code for section in engine.product.sections), OTHER})
    page = PageInput(selection=state.selection, action=ACTION, seen=seen)
    serving = Serving(url=reverse("configurator:configure", args=[found.product.code]), visit=visit)
    built = _page(request, engine, page, state.selection, SUMMARY, notices, serving, count_looks=False)
    if isinstance(built, HttpResponse):
        return built
    built.share = ShareView(code=found.display_code, url=share)
    tracking.page_shown(visit, built, state.selection, {})
    return render(request, "configurator/configure.html", {"page": built})
