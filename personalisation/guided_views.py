"""The guided questions' page: ask, then open the proposal in the configurator (parse, call, redirect)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.selectors import version_latest_cached
from config.throttling import throttle
from configurator.forms import GUIDED
from configurator.loading import version_serving
from configurator.pages import OTHER, configure_url, state_pairs
from configurator.services import VersionEngine, version_engine
from insights import tracking
from insights.models import Event
from personalisation.guided import SKIP, answers_text, guided_proposal, questionnaire

#: The form's own field: the shopper sent their answers (else the page shows the questions).
PROPOSE = "_propose"
#: The skip link's: the shopper skips every question.
SKIPPED = "_skip"


def _published(code: str) -> VersionEngine:
    """Return the version shoppers are served (never compiled in their request), with its engine, or 404."""
    version = version_latest_cached(code)
    if version is None or not version.product.active:
        raise Http404(_("No product with this code is offered."))
    return version_engine(version_serving(version))


def _first_step(engine: VersionEngine) -> str:
    sections = engine.product.sections
    return sections[0].code if sections else OTHER


@require_GET
@throttle("pages")
def guided(request: HttpRequest, code: str) -> HttpResponse:
    """Show the product's questions; with the answers, open the proposal they give in the configurator."""
    engine = _published(code)
    language = get_language() or "en"
    questions = questionnaire(engine.product.code, language)
    configure = reverse("configurator:configure", args=[engine.product.code])
    visit = tracking.visit_for(request, engine.product, engine.version.number)
    if not questions:
        tracking.page_left(visit)
        return HttpResponseRedirect(configure)
    if SKIPPED in request.GET:
        for question in questions:
            tracking.note(visit, Event.Kind.GUIDED_SKIPPED, field=question.code)
        tracking.page_left(visit)
        # The configurator opens as arriving there does (its first look), with no offer.
        return HttpResponseRedirect(f"{configure}?{urlencode([(GUIDED, SKIP)])}")
    if PROPOSE not in request.GET:
        skip = f"{request.path}?{urlencode([(SKIPPED, '1')])}"
        context = {
            "product_name": engine.product.label(language),
            "rows": [(q, request.GET.get(f"q_{q.code}", "")) for q in questions],
            "form_url": reverse("personalisation:guided", args=[engine.product.code]),
            "skip_url": visit.url(skip) if visit is not None else skip,
            "visit": visit.id if visit is not None else "",
        }
        tracking.page_left(visit)
        return render(request, "personalisation/guided_questions.html", context)
    answers = []
    for question in questions:
        answer = question.answer(request.GET.get(f"q_{question.code}", ""))
        if answer is None:
            tracking.note(visit, Event.Kind.GUIDED_SKIPPED, field=question.code)
        else:
            tracking.note(visit, Event.Kind.GUIDED_ANSWERED, field=question.code, option=answer.code)
            answers.append(answer)
    proposal = guided_proposal(engine, answers) if answers else None
    tracking.page_left(visit)
    if proposal is None:
        if answers:
            messages.error(request, _("We could not make a proposal from these answers; choose as you like."))
        url = f"{configure}?{urlencode([(GUIDED, SKIP)])}"
    else:
        # A visited step: the configurator does not arrive afresh, so the visit (and its answers) goes on.
        state = state_pairs(engine.product, frozenset({_first_step(engine)}), guided=answers_text(answers))
        url = configure_url(engine.product, proposal.selection, state=state)
    return HttpResponseRedirect(visit.url(url) if visit is not None else url)
