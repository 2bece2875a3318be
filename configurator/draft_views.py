"""Staff pages on a product's draft: try it as shoppers will see it, and ask why an option is never possible.

The draft is served by the shop's own configurator answer (views.configurator_answer), on its
own address, with a banner and nothing recorded, saved, shared or ordered. Only staff who may
change products see it; anyone signed out is sent to the admin's sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from catalog.models import Option, Product
from config.throttling import throttle
from configurator.engine.model import Rule
from configurator.pages import DraftView
from configurator.selectors import access_draft
from configurator.services.drafts import Draft, draft_engine, draft_exclusion
from configurator.views import HtmxHttpRequest, Serving, configurator_answer, read_request

type DraftHandler = Callable[..., HttpResponse]


def _signed_in(view: DraftHandler) -> DraftHandler:
    """Send a visitor who is not signed in to the admin's sign-in, back here afterwards."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: str, **kwargs: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped


def _admin_url(product: Product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def _problems(request: HtmxHttpRequest, found: Draft) -> HttpResponse:
    """Show why the draft cannot be tried: the errors that would refuse its publishing too.

    An htmx click on a draft that broke meanwhile reloads the page, which then shows them.
    """
    if request.htmx:
        return HttpResponseClientRefresh()
    context = {
        **admin.site.each_context(request),
        "title": _("The draft of %(product)s cannot be tried") % {"product": found.product.name},
        "product": found.product,
        "admin_url": _admin_url(found.product),
        "problems": found.problems,
    }
    return render(request, "configurator/draft_problems.html", context)


@require_GET
@throttle("pages")
@_signed_in
def draft(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Show the configurator on the draft of `code` (not published), as shoppers would see it."""
    found = draft_engine(access_draft(request.user, code))
    if found.engine is None:
        return _problems(request, found)
    page, arriving = read_request(request, found.engine)
    serving = Serving(
        url=reverse("configurator:draft", args=[code]),
        draft=DraftView(admin_url=_admin_url(found.product)),
    )
    return configurator_answer(request, found.engine, page, serving, arriving=arriving)


@dataclass(frozen=True)
class RuleLine:
    """One rule of those forbidding an option, in the words and links the page shows."""

    code: str
    #: The rule itself: its expression, or what its table allows.
    text: str
    #: What shoppers read when the rule stops them ('' when it has no message).
    message: str
    admin_url: str


def _rule_text(rule: Rule) -> str:
    """Word a rule as the admin's list of rules does: its expression, or what its table spans."""
    if rule.kind == "table":
        count = len(rule.rows)
        text = ngettext("table over %(groups)s, %(count)d row", "table over %(groups)s, %(count)d rows", count)
        return text % {"groups": ", ".join(rule.groups), "count": count}
    return rule.expr


def _rule_lines(product: Product, rules: tuple[Rule, ...]) -> list[RuleLine]:
    ids = dict(product.rules.filter(code__in=[r.code for r in rules]).values_list("code", "pk"))
    return [
        RuleLine(
            code=rule.code,
            text=_rule_text(rule),
            message=rule.message,
            admin_url=reverse("admin:catalog_rule_change", args=[ids[rule.code]]) if rule.code in ids else "",
        )
        for rule in rules
    ]


@require_GET
@throttle("pages")
@_signed_in
def draft_why(request: HtmxHttpRequest, code: str, group: str, option: str) -> HttpResponse:
    """Say why `group = option` can never be chosen on the draft of `code`: the fewest rules that forbid it."""
    found = draft_engine(access_draft(request.user, code))
    if found.engine is None:
        return _problems(request, found)
    model_group = found.engine.product.group(group)
    model_option = model_group.option(option) if model_group is not None else None
    row = Option.objects.filter(group__product=found.product, group__code=group, code=option).first()
    if model_option is None or model_group is None or row is None:
        raise Http404(_("The draft has no option %(option)s in group %(group)s.") % {"option": option, "group": group})
    exclusion = draft_exclusion(found.engine, group, option)
    context = {
        **admin.site.each_context(request),
        "title": _("Why can %(option)s never be chosen?") % {"option": model_option.name},
        "product": found.product,
        "admin_url": _admin_url(found.product),
        "group_name": model_group.name,
        "option_name": model_option.name,
        "option_url": reverse("admin:catalog_option_change", args=[row.pk]),
        "draft_url": reverse("configurator:draft", args=[code]),
        "exclusion": exclusion,
        "rules": _rule_lines(found.product, exclusion.rules),
    }
    return render(request, "configurator/draft_why.html", context)
