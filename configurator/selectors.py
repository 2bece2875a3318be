"""Reads of the shop that pages rely on: the product list's cards, a page at a time.

A card is made from the fields publishing stored on the version (catalog.listing), never
from the engine model, and a page of cards is kept in the shared cache until the catalog
changes (configurator.listing_views keeps the rendered page). Cold: one query counts the listed
products, one reads the page's versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from catalog.listing import listing_generation
from catalog.models import CatalogVersion, Product
from catalog.selectors import latest_versions
from configurator import preview
from configurator.loading import version_model
from configurator.services import configuration_first_look

#: Cards per page of the product list.
PER_PAGE = 24
_CARD_FIELDS = (
    "product__code",
    "product__active",
    "product__position",
    "number",
    "checksum",
    "name",
    "description",
    "translations",
    "currency",
    "base_price",
    "lead_time_days",
    "card_recipe",
)


@dataclass(frozen=True)
class ProductCard:
    code: str
    name: str
    description: str
    currency: str
    base_price: Decimal
    #: Working days to make it: the card shows the dispatch date an order placed now gets.
    lead_time_days: int
    url: str
    preview: preview.PreviewUrls


@dataclass(frozen=True)
class CardPage:
    """One page of the product list: its cards, its number and how many pages there are."""

    cards: tuple[ProductCard, ...]
    number: int
    pages: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def listed_for_cards() -> QuerySet[CatalogVersion]:
    """Return the latest version of each listed product, with only what a card reads."""
    return latest_versions().filter(product__active=True).only(*_CARD_FIELDS)


def _card_recipe(version: CatalogVersion) -> preview.Recipe:
    """Return the recipe of the card's picture; find and store it once for a version that lacks it.

    Versions published before their cards were stored (migration catalog 0006) have none:
    the first look needs the solver, once per version, never again after.
    """
    recipe = preview.Recipe.from_data(version.card_recipe) if version.card_recipe else None
    if recipe is not None:
        return recipe
    model = version_model(version)
    recipe = preview.preview_recipe(model, configuration_first_look(version) or preview.default_selection(model))
    CatalogVersion.objects.filter(pk=version.pk).update(card_recipe=recipe.as_data())
    return recipe


def _card(version: CatalogVersion, language: str) -> ProductCard:
    code = version.product.code
    return ProductCard(
        code=code,
        name=version.label(language),
        description=version.description_in(language),
        currency=version.currency,
        base_price=version.base_price,
        lead_time_days=version.lead_time_days,
        url=reverse("configurator:configure", args=[code]),
        preview=preview.preview_urls(_card_recipe(version)),
    )


def product_cards(language: str, number: int) -> CardPage | None:
    """Return page `number` (from 1) of the product list in `language`, or None past the last page.

    Page 1 of an empty shop is an empty page. Two queries; the page keeps the result.
    """
    paginator = Paginator(listed_for_cards(), PER_PAGE, allow_empty_first_page=True)
    if number > paginator.num_pages:
        return None
    page = paginator.page(number)
    return CardPage(
        cards=tuple(_card(version, language) for version in page.object_list),
        number=number,
        pages=paginator.num_pages,
    )


def cards_cache_key(language: str, number: int, day: str) -> str:
    """Return the shared cache's key of a rendered page of cards (`day`: their dispatch dates' today)."""
    return f"configurator:cards:v1:{listing_generation()}:{language}:{number}:{day}"


def access_draft(user: AbstractBaseUser | AnonymousUser, code: str) -> Product:
    """Return the product `code` whose draft `user` may try: staff who may change products.

    Raise PermissionDenied for anyone else (shoppers never see a draft), Http404 for no such product.
    """
    if not isinstance(user, PermissionsMixin) or not (user.is_active and getattr(user, "is_staff", False)):
        raise PermissionDenied
    if not user.has_perm("catalog.change_product"):
        raise PermissionDenied
    return get_object_or_404(Product, code=code)
