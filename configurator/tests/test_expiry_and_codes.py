"""Previews and recipes expire, the preview folder keeps to its size, share codes are long (audit F6, F19)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from catalog.models import CatalogVersion, Product
from configurator import preview, preview_expiry
from configurator.models import CODE_ALPHABET, SavedConfiguration
from configurator.tasks import previews_expire
from configurator.tests.test_preview import _preview_dirs, _product, _selection

__all__ = ["_preview_dirs"]  # the autouse fixture: media and previews under tmp_path

DAY = 86400


def _look(monogram: str) -> tuple[preview.PreviewUrls, list[Path]]:
    """Store a look's recipe and render its large pictures; return its addresses and files."""
    urls = preview.preview_urls(preview.preview_recipe(_product(), _selection({"monogram": monogram})))
    root = Path(settings.PREVIEW_ROOT)
    files = [root / preview.stored_name(urls.key, ".json")]
    for fmt in ("webp", "png"):
        assert preview.preview_file(urls.key, "large", fmt) is not None
        files.append(root / preview.stored_name(urls.key, f"-large.{fmt}"))
    return urls, files


def _age(files: list[Path], days: float) -> None:
    then = time.time() - days * DAY
    for path in files:
        os.utime(path, (then, then))


def test_previews_and_recipes_unused_for_the_max_age_are_removed(settings: Any) -> None:
    settings.PREVIEW_MAX_AGE_DAYS = 14
    _, old = _look("OLD")
    _, recent = _look("NEW")
    _age(old, 15)
    _age(recent, 13)
    report = preview_expiry.previews_expire()
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in recent)
    assert report.removed_files == 3 and report.kept_files == 3
    assert report.kept_bytes == sum(path.stat().st_size for path in recent) and report.removed_bytes > 0


def test_using_a_picture_or_recipe_renews_it(settings: Any) -> None:
    settings.PREVIEW_MAX_AGE_DAYS = 14
    urls, files = _look("USE")
    _age(files, 20)
    assert preview.preview_stored(urls.key, "large", "webp") == files[1].read_bytes()  # served again
    assert preview.recipe_load(urls.key) is not None  # rendered from again
    preview_expiry.previews_expire()
    assert files[0].exists() and files[1].exists()
    assert not files[2].exists()  # the PNG was not asked for: it goes


def test_the_folder_keeps_under_its_size_the_least_recently_used_going_first(settings: Any) -> None:
    settings.PREVIEW_MAX_AGE_DAYS = 14
    looks = [_look(name)[1] for name in ("AAA", "BBB", "CCC")]
    for days, files in zip((3, 2, 1), looks, strict=True):
        _age(files, days)
    newest = sum(path.stat().st_size for path in looks[2])
    middle = sum(path.stat().st_size for path in looks[1])
    preview_expiry.previews_expire(max_bytes=newest + middle)
    assert [all(path.exists() for path in files) for files in looks] == [False, True, True]
    preview_expiry.previews_expire(max_bytes=newest)
    assert [any(path.exists() for path in files) for files in looks] == [False, False, True]


def test_leftovers_of_interrupted_writes_are_removed(settings: Any) -> None:
    folder = Path(settings.PREVIEW_ROOT) / "ab"
    folder.mkdir(parents=True)
    leftover, writing = folder / ".tmp-old", folder / ".tmp-now"
    leftover.write_bytes(b"x")
    writing.write_bytes(b"x")
    _age([leftover], 1)
    preview_expiry.previews_expire()
    assert not leftover.exists() and writing.exists()


def test_an_expired_picture_is_rendered_again_and_one_without_recipe_still_served(client: Client) -> None:
    urls, files = _look("XYZ")
    files[1].unlink()  # the WebP picture expired, its recipe did not
    assert client.get(urls.large.webp).status_code == 200
    files[0].unlink()  # the recipe expired, the PNG picture did not
    assert client.get(urls.large.png).status_code == 200


def test_the_beat_sweep_is_scheduled_and_reports_what_it_did(settings: Any) -> None:
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "configurator.tasks.previews_expire" in schedule
    _, files = _look("BEAT")
    _age(files, settings.PREVIEW_MAX_AGE_DAYS + 1)
    sizes = sum(path.stat().st_size for path in files)
    report = previews_expire.run()
    assert report == {"removed_files": 3, "removed_bytes": sizes, "kept_files": 0, "kept_bytes": 0}
    assert not any(path.exists() for path in files)


@pytest.mark.django_db
def test_a_page_whose_previews_expired_stores_its_recipe_again(client: Client) -> None:
    call_command("load_demo", stdout=None)
    url = "/p/shirt/?monogram=EXP&monogram_position=chest&monogram_colour=navy"
    picture = re.findall(r"/preview/[0-9a-f]{64}-large\.webp", client.get(url).text)[0]
    assert client.get(picture).status_code == 200
    preview_expiry.previews_expire(max_age_days=0, max_bytes=0)  # everything goes
    assert client.get(picture).status_code == 404  # what an open page would see...
    client.get(url)  # ...until it asks for itself again (static/js/site.js does on a failed picture)
    assert client.get(picture).status_code == 200


# -- share codes --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_share_codes_are_80_bits_shown_in_groups_of_four(client: Client) -> None:
    call_command("load_demo", stdout=None)
    client.post("/p/shirt/save", {"fabric": "oxford_blue"})
    saved = SavedConfiguration.objects.get()
    assert len(saved.code) == 16 and set(saved.code) <= set(CODE_ALPHABET)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", saved.display_code)
    page = client.get(f"/c/{saved.code}/?saved=1")
    assert saved.display_code in page.text
    assert client.get(f"/c/{saved.display_code.lower()}/").status_code == 200


@pytest.mark.django_db
def test_old_eight_symbol_codes_keep_opening() -> None:
    call_command("load_demo", stdout=None)
    version = CatalogVersion.objects.filter(product__code="shirt").latest("number")
    old = SavedConfiguration.objects.create(
        code="ABCD2345",
        product=Product.objects.get(code="shirt"),
        version=version,
        data={"selections": {"fabric": "oxford_blue"}},
        total="0",
        currency="EUR",
    )
    assert old.display_code == "ABCD-2345"
    client = Client()
    for address in ("/c/ABCD2345/", "/c/abcd-2345/"):
        page = client.get(address)
        assert page.status_code == 200 and "ABCD-2345" in page.text
