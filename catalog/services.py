"""Writes to the catalog: importing a file and publishing a version.

Every entry point (the management commands, the admin, tests) calls these functions;
each does its whole work in one transaction, or nothing at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from celery import current_app
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalog.images import ImageHeader, canvas_of, image_check, layer_findings, layer_image_problems, product_layers
from catalog.listing import listing_forget, version_card_fields
from catalog.models import (
    CatalogVersion,
    Option,
    OptionGroup,
    Parameter,
    PreviewLayer,
    PriceRule,
    Product,
    Rule,
    Section,
    Size,
    TextField,
    snapshot_checksum,
)
from catalog.snapshots import GUIDE_TEXT, product_as_dict
from catalog.storage import ContentAddressedStorage, content_name
from configurator.engine.compiler import compile_product
from configurator.engine.fields import (
    GROUP,
    OPTION,
    PARAMETER,
    PREVIEW,
    PRICE,
    PRODUCT,
    RULE,
    SECTION_PART,
    SIZE,
    TEXT_PART,
    Part,
    row_values,
)
from configurator.engine.lint import Finding, lint
from configurator.engine.model import product_from_dict
from configurator.engine.schema import Problem, check_catalog, check_product
from configurator.engine.selection import Selection
from configurator.engine.session import Session

log = logging.getLogger(__name__)


class CatalogError(Exception):
    """The catalog (a file or a draft) has problems; nothing was changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s): " + "; ".join(str(p) for p in problems[:5]))
        self.problems = list(problems)


@dataclass(frozen=True)
class PublishResult:
    version: CatalogVersion
    created: bool
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    product: Product
    created: bool
    publish: PublishResult | None


# -- reading a file ------------------------------------------------------------------------


def catalog_parse(text: str | bytes) -> Any:
    """Parse catalog JSON with exact decimals; raise CatalogError on invalid JSON."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise CatalogError(
            [Problem("$", f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]
        ) from None
    except UnicodeDecodeError:
        raise CatalogError([Problem("$", "the file is not UTF-8 text")]) from None


def _read_image(reference: str, base_dir: Path | None, storage: ContentAddressedStorage) -> bytes | None:
    """Return the bytes of a layer image: a path next to the file, or a stored name; None if absent."""
    candidate = (base_dir / reference) if base_dir is not None else None
    if candidate is not None and candidate.is_file():
        return candidate.read_bytes()
    if storage.exists(reference):
        with storage.open(reference) as handle:
            content: bytes = handle.read()
        return content
    return None


def _load_images(data: Mapping[str, Any], base_dir: Path | None) -> tuple[dict[str, bytes], list[Problem]]:
    """Read and check every layer image a file refers to: readable, within the size limits."""
    storage = ContentAddressedStorage()
    images: dict[str, bytes] = {}
    headers: dict[str, ImageHeader] = {}
    problems: list[Problem] = []
    for p_index, product in enumerate(data.get("products", [])):
        for relative, _by_code, layer in product_layers(product):
            path, reference = f"$.products[{p_index}].{relative}.image", layer["image"]
            if reference not in images:
                content = _read_image(reference, base_dir, storage)
                if content is None:
                    where = f" (looked in {base_dir})" if base_dir is not None else ""
                    problems.append(Problem(path, f"image file '{reference}' not found{where}"))
                    continue
                header, found = image_check(content)
                problems.extend(Problem(path, f"'{reference}': {message}") for message in found)
                if found or header is None:
                    continue
                images[reference], headers[reference] = content, header
            for message in layer_image_problems(size=None, header=headers[reference], canvas=canvas_of(product)):
                problems.append(Problem(path, f"'{reference}': {message}"))
    return images, problems


def guide_image_missing(image: str) -> bool:
    """Whether a measuring guide's picture is not among the site's static files."""
    return finders.find(image) is None


def guide_image_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Name every measuring guide whose picture is not a static file of the site."""
    problems = []
    for p_index, product in enumerate(data.get("products", [])):
        for index, parameter in enumerate(product.get("parameters") or []):
            image = (parameter.get("guide") or {}).get("image")
            if image and guide_image_missing(image):
                path = f"$.products[{p_index}].parameters[{index}].guide.image"
                problems.append(Problem(path, f"guide picture '{image}' is not a static file (looked in static/)"))
    return problems


# -- importing -----------------------------------------------------------------------------


def catalog_import(
    data: Any, *, base_dir: Path | None = None, publish: bool = False, user: Any = None
) -> list[ImportResult]:
    """Create or update every product of a catalog file, all or nothing.

    Check the whole file first and raise `CatalogError` with every problem found; only
    a clean file is written. Each product in the file replaces its draft entirely
    (parts missing from the file are removed). With `publish`, publish each product
    right after, in the same transaction.
    """
    problems = check_catalog(data)
    if problems:
        raise CatalogError(problems)
    images, problems = _load_images(data, base_dir)
    problems += guide_image_problems(data)
    if problems:
        raise CatalogError(problems)
    results = []
    with transaction.atomic():
        for product_data in data["products"]:
            product, created = _product_write(product_data, images, user, reason="import")
            published = catalog_publish(product, user=user, note="import") if publish else None
            results.append(ImportResult(product=product, created=created, publish=published))
    return results


def _sync[M: models.Model](
    model: type[M],
    existing: Iterable[M],
    items: Sequence[Mapping[str, Any]],
    parent: Mapping[str, Any],
    values: Callable[[Mapping[str, Any]], dict[str, Any]],
    user: Any,
    *,
    reason: str,
    key: str = "code",
) -> dict[str, M]:
    """Make the rows under `parent` equal `items` (matched by code); return them by code.

    History records the changes with `reason`, by `user`.
    """
    by_code = {getattr(obj, key): obj for obj in existing}
    keep: dict[str, M] = {}
    to_create: list[M] = []
    to_update: list[M] = []
    fields: set[str] = set()
    ordered = any(field.name == "position" for field in model._meta.fields)
    for position, item in enumerate(items):
        wanted = values(item)
        if ordered:
            wanted["position"] = position
        obj = by_code.pop(item[key], None)
        if obj is None:
            obj = model(**parent, **{key: item[key]}, **wanted)
            to_create.append(obj)
        else:
            changed = [name for name, value in wanted.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, wanted[name])
            if changed:
                fields.update(changed)
                to_update.append(obj)
        keep[item[key]] = obj
    for obj in by_code.values():
        # One by one, so that history says who removed the row and why (rows hang off it cascade).
        obj._change_reason = reason  # type: ignore[attr-defined]
        if user is not None:
            obj._history_user = user  # type: ignore[attr-defined]
        obj.delete()
    if to_update:
        bulk_update_with_history(to_update, model, sorted(fields), default_user=user, default_change_reason=reason)
    if to_create:
        created = bulk_create_with_history(to_create, model, default_user=user, default_change_reason=reason)
        for obj in created:
            keep[getattr(obj, key)] = obj
    return keep


def _parameter_guide(item: Mapping[str, Any]) -> dict[str, Any]:
    """A parameter's guide; its translated text is kept in the parameter's `translations` (GUIDE_TEXT)."""
    guide = item.get("guide") or {}
    translations = {lang: dict(values) for lang, values in (item.get("translations") or {}).items()}
    for lang, values in (guide.get("translations") or {}).items():
        if values.get("text"):
            translations.setdefault(lang, {})[GUIDE_TEXT] = values["text"]
    return {"translations": translations, "guide_image": guide.get("image", ""), "guide_text": guide.get("text", "")}


def _product_write(
    data: Mapping[str, Any], images: Mapping[str, bytes], user: Any, *, reason: str
) -> tuple[Product, bool]:
    """Make the draft of the product `data` describes equal it; history records `reason`, by `user`."""
    fields = {**row_values(PRODUCT, data), **row_values(PREVIEW, data.get("preview") or {})}
    product = Product.objects.select_for_update().filter(code=data["code"]).first()
    created = product is None
    if product is None:
        product = Product(code=data["code"], **fields)
    else:
        for name, value in fields.items():
            setattr(product, name, value)
    product._change_reason = reason  # type: ignore[attr-defined]
    product.save()
    parent = {"product": product}

    sections = _sync(
        Section,
        product.sections.all(),
        data.get("sections", []),
        parent,
        partial(row_values, SECTION_PART),
        user,
        reason=reason,
    )

    def values(part: Part) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
        """The row values of `part` from its JSON object, its section code resolved to the row."""
        return partial(row_values, part, resolve=sections.get)

    groups = _sync(
        OptionGroup, product.groups.all(), data.get("groups", []), parent, values(GROUP), user, reason=reason
    )
    options_by_group: dict[str, dict[str, Option]] = {}
    existing_options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(group__product=product):
        existing_options.setdefault(option.group_id, []).append(option)
    for group_data in data.get("groups", []):
        group = groups[group_data["code"]]
        default = group_data.get("default")
        defaults = {default} if isinstance(default, str) else set(default or ())
        options_by_group[group.code] = _sync(
            Option,
            existing_options.get(group.pk, []),
            group_data["options"],
            {"group": group},
            lambda o, defaults=defaults: {**row_values(OPTION, o), "is_default": o["code"] in defaults},  # type: ignore[misc]
            user,
            reason=reason,
        )
    _sync(
        Parameter,
        product.parameters.all(),
        data.get("parameters", []),
        parent,
        lambda p: {**values(PARAMETER)(p), **_parameter_guide(p)},
        user,
        reason=reason,
    )
    _sync(
        Size,
        product.sizes.all(),
        data.get("sizes") or [],
        parent,
        # Exact decimal text, as the file gives it ("40.5", never a float).
        lambda s: {**row_values(SIZE, s), "values": {code: str(value) for code, value in s["values"].items()}},
        user,
        reason=reason,
    )
    _sync(TextField, product.texts.all(), data.get("texts", []), parent, values(TEXT_PART), user, reason=reason)
    _sync(Rule, product.rules.all(), data.get("rules", []), parent, values(RULE), user, reason=reason)
    _sync(PriceRule, product.prices.all(), data.get("prices", []), parent, values(PRICE), user, reason=reason)
    _layers_write(product, data, options_by_group, images)
    return product, created


def _layers_write(
    product: Product,
    data: Mapping[str, Any],
    options: Mapping[str, Mapping[str, Option]],
    images: Mapping[str, bytes],
) -> None:
    """Replace the product's preview layers (they have no code to match them by)."""
    wanted: list[tuple[Option | None, Mapping[str, Any]]] = [
        (None, layer) for layer in (data.get("preview") or {}).get("layers") or []
    ]
    for group in data.get("groups", []):
        for option in group["options"]:
            wanted += [(options[group["code"]][option["code"]], layer) for layer in option.get("layers") or []]
    current = [
        (layer.option_id, layer.image.name, layer.z, layer.tint)
        for layer in PreviewLayer.objects.filter(product=product).order_by("z", "id")
    ]
    storage = ContentAddressedStorage()
    rows = []
    for option, layer in wanted:
        content = ContentFile(images[layer["image"]])
        name = storage.save(content_name(content, layer["image"]), content)
        rows.append((option, name, layer.get("z", 0), layer.get("tint", "")))
    # key=str: base layers have no option (None), which does not compare with an id.
    if sorted(((o.pk if o else None, n, z, t) for o, n, z, t in rows), key=str) == sorted(current, key=str):
        return
    PreviewLayer.objects.filter(product=product).delete()
    for option, name, z, tint in rows:
        preview = PreviewLayer(product=product, option=option, z=z, tint=tint)
        preview.image.name = name
        preview.save()


# -- publishing ----------------------------------------------------------------------------


def catalog_publish(product: Product, *, user: Any = None, note: str = "") -> PublishResult:
    """Freeze the draft of `product` as a new immutable version.

    Raise `CatalogError` when the draft has problems (a rule that does not parse, …).
    When the draft equals the latest version, publish nothing and return that version.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        snapshot = product_as_dict(product)
        findings = [*_lint_snapshot(snapshot), *layer_findings(snapshot)]
        errors = [Problem(f.subject, f.message) for f in findings if f.level == "error"]
        if errors:
            raise CatalogError(errors)
        warnings = tuple(f for f in findings if f.level == "warning")
        checksum = snapshot_checksum(snapshot)
        latest = product.versions.order_by("-number").first()
        if latest is not None and latest.checksum == checksum:
            return PublishResult(version=latest, created=False, warnings=warnings)
        card = version_card_fields(snapshot, product_from_dict(snapshot), _linted(snapshot).first_look)
        version = CatalogVersion.objects.create(
            product=product,
            number=(latest.number + 1) if latest else 1,
            snapshot=snapshot,
            checksum=checksum,
            published_by=user if getattr(user, "pk", None) else None,
            note=note,
            **card,
        )
        listing_forget(product.code)
        transaction.on_commit(partial(_compile_in_background, version.pk))
    return PublishResult(version=version, created=True, warnings=warnings)


def _compile_in_background(version_id: int) -> None:
    """Ask a worker to compile the new version's diagram (configurator.tasks.diagram_compile).

    Only a head start: a process that loads the version first compiles it itself, so a
    broker that is down costs a warning here, never the publish.
    """
    try:
        current_app.send_task("configurator.tasks.diagram_compile", args=[version_id], retry=False)
    except Exception:
        log.warning("could not ask a worker to compile version %s", version_id, exc_info=True)


@dataclass(frozen=True)
class _Linted:
    findings: list[Finding]
    #: The look the product's page opens on (defaults, completed), found with the same solver.
    first_look: Selection | None = None


_lint_cache: dict[str, _Linted] = {}


def _lint_snapshot(snapshot: dict[str, Any]) -> list[Finding]:
    """Return parse problems as errors or, when the rules parse, the solver's findings."""
    return _linted(snapshot).findings


def _linted(snapshot: dict[str, Any]) -> _Linted:
    checksum = snapshot_checksum(snapshot)
    if checksum not in _lint_cache:
        problems = check_product(snapshot, snapshot["code"])
        if problems:
            linted = _Linted([Finding("error", p.path, p.message) for p in problems])
        else:
            # One compile answers both the lint and the product card's first look.
            model = product_from_dict(snapshot)
            session = Session(compile_product(model))
            findings = lint(model, session)
            errors = any(f.level == "error" for f in findings)
            first_look = None if errors else session.complete(Selection(), parameters=False).configuration
            linted = _Linted(findings, first_look)
        if len(_lint_cache) > 64:
            _lint_cache.clear()
        _lint_cache[checksum] = linted
    return _lint_cache[checksum]


def catalog_lint(product: Product, snapshot: dict[str, Any] | None = None) -> list[Finding]:
    """Return every error and warning of the draft of `product` (what publishing would say).

    Pass `snapshot` when the caller already read the draft, to read it only once.
    """
    snapshot = snapshot if snapshot is not None else product_as_dict(product)
    return [*_lint_snapshot(snapshot), *layer_findings(snapshot)]


# -- rolling back --------------------------------------------------------------------------


def catalog_rollback(product: Product, *, to: int, user: Any = None, note: str = "") -> PublishResult:
    """Make version `to` of `product` the draft again and publish it as the newest version.

    In one transaction: the old snapshot replaces the draft (as an import of it would; its
    layer images are found in storage by their stored names), then the draft is published
    with the note "rollback to v<to>", so draft and shop agree afterwards. Raise
    `CatalogError` (nothing changed) for an unknown version, or one the current checks refuse.
    When the version equals the latest, only the draft is reset; nothing is published.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        version = product.versions.filter(number=to).first()
        if version is None:
            raise CatalogError([Problem("to", f"{product.code} has no version {to}")])
        snapshot = version.snapshot
        problems = check_product(snapshot, product.code)
        images, image_problems = _load_images({"products": [snapshot]}, None)
        problems += image_problems
        if problems:
            raise CatalogError(problems)
        reason = f"rollback to v{to}"
        _product_write(snapshot, images, user, reason=reason)
        return catalog_publish(product, user=user, note=f"{reason}: {note}" if note else reason)
