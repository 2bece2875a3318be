"""Rate limits per client (issue 13 item 5, audit F6): API, shop pages, htmx, previews, saves, share codes, sign-in."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings

from config.settings import RATELIMIT_RATES, _cache
from config.throttling import client_ip
from configurator.models import SavedConfiguration


def _rates(**scopes: str) -> dict[str, str | None]:
    return {**RATELIMIT_RATES, **scopes}


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


@pytest.fixture
def limited() -> Iterator[None]:
    """Limits on, as in production (the test settings turn them off for other tests)."""
    with override_settings(RATELIMIT_ENABLE=True):
        yield


# -- who the client is, and the cache ------------------------------------------------------


def test_the_client_is_remote_addr_unless_a_proxy_header_is_trusted() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "10.0.0.9"  # a header nobody vouches for is ignored
    with override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", CLIENT_IP_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.7"  # what our proxy appended, not what the client claimed
    with override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", CLIENT_IP_PROXY_COUNT=2):
        assert client_ip(request) == "6.6.6.6"
    six = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    neighbour = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert client_ip(six) == client_ip(neighbour) == "2001:db8:1:2::/64"  # one subscriber, one budget
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="::ffff:203.0.113.8")) == "203.0.113.8"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR"):
        assert client_ip(garbage) == "10.0.0.9"


def test_cache_url_names_redis_files_or_memory_and_a_bad_one_names_the_variable() -> None:
    redis = _cache("redis://127.0.0.1:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        # A Redis that does not answer must not hang the requests it counts (CACHE_*_TIMEOUT, seconds).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    files = _cache("file:///srv/shop/cache")
    assert files["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert files["LOCATION"] == "/srv/shop/cache"
    table = _cache("db://django_cache")
    assert table["BACKEND"] == "django.core.cache.backends.db.DatabaseCache" and table["LOCATION"] == "django_cache"
    assert _cache("locmem://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    for bad in ("redis:/nohost", "memcached://127.0.0.1", "file://relative/path", "db://bad-name", "nonsense"):
        with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
            _cache(bad)


# -- the API ------------------------------------------------------------------------------------


def test_the_configure_api_answers_429_json_with_retry_after(demo: None, limited: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_RATES=_rates(api_configure="3/min")):
        answers = [
            client.post("/api/v1/products/shirt/configure", {}, content_type="application/json") for _ in range(4)
        ]
        other = Client(REMOTE_ADDR="192.0.2.50").post(
            "/api/v1/products/shirt/configure", {}, content_type="application/json"
        )
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    messages = body["errors"]["detail"] if "errors" in body else [body["detail"]]
    assert any("throttled" in str(message).lower() for message in messages)
    assert other.status_code == 200  # another client is counted apart


def test_a_client_counted_past_the_limit_is_still_told_when_to_retry(demo: None, limited: None) -> None:
    """A rate lowered while a client's count is above it (or two requests passing at the edge together)
    leaves more entries than the limit: DRF's own wait() is then None, which lost `Retry-After`."""
    client = Client()
    with override_settings(RATELIMIT_RATES=_rates(api_configure="5/min", pages="5/min")):
        for _ in range(4):
            api = client.post("/api/v1/products/shirt/configure", {}, content_type="application/json")
            assert api.status_code == 200
            assert client.get("/p/shirt/").status_code == 200
    with override_settings(RATELIMIT_RATES=_rates(api_configure="2/min", pages="2/min")):
        api = client.post("/api/v1/products/shirt/configure", {}, content_type="application/json")
        page = client.get("/p/shirt/")
    assert api.status_code == 429 and 30 <= int(api["Retry-After"]) <= 60
    assert page.status_code == 429 and 30 <= int(page["Retry-After"]) <= 60  # not "1": the count lasts the window


def test_complete_resolve_and_explain_share_the_configure_budget(demo: None, limited: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_RATES=_rates(api_configure="2/min")):
        client.post("/api/v1/products/shirt/configure", {}, content_type="application/json")
        client.post("/api/v1/products/shirt/complete", {}, content_type="application/json")
        body = {"wanted": {"group": "collar", "option": "classic"}}
        assert client.post("/api/v1/products/shirt/resolve", body, content_type="application/json").status_code == 429
        assert client.post("/api/v1/products/shirt/explain", body, content_type="application/json").status_code == 429


def test_limits_can_be_turned_off(demo: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_ENABLE=False, RATELIMIT_RATES=_rates(api_configure="1/min", pages="1/min")):
        assert all(
            client.post("/api/v1/products/shirt/configure", {}, content_type="application/json").status_code == 200
            for _ in range(3)
        )
        assert all(client.get("/p/shirt/").status_code == 200 for _ in range(3))


# -- the shop's pages ------------------------------------------------------------------------------


def test_a_throttled_page_is_a_friendly_translated_page_with_retry_after(demo: None, limited: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_RATES=_rates(pages="2/min")):
        assert client.get("/p/shirt/").status_code == 200
        assert client.get("/it/p/shirt/").status_code == 200
        english = client.get("/p/shirt/")
        italian = client.get("/it/p/shirt/")
    assert english.status_code == 429 and english["Content-Type"].startswith("text/html")
    assert int(english["Retry-After"]) >= 1
    assert "Please wait" in english.text and 'class="site-header"' in english.text
    assert italian.status_code == 429 and "Attendi" in italian.text and 'lang="it"' in italian.text


def test_a_throttled_htmx_request_shows_a_notice_in_the_page(demo: None, limited: None) -> None:
    client = Client()
    htmx = {"HX-Request": "true", "HX-Target": "configurator"}
    with override_settings(RATELIMIT_RATES=_rates(pages="1/min")):
        assert client.get("/p/shirt/?fabric=oxford_blue", headers=htmx).status_code == 200
        refused = client.get("/p/shirt/?fabric=poplin_white", headers=htmx)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    # htmx swaps the notice into the notices area (base.html lets it swap a 429); the form stays.
    assert refused["HX-Retarget"] == "#notices" and refused["HX-Reswap"] == "innerHTML"
    assert re.fullmatch(
        r'\s*<p class="notice notice-warning notice-throttled" role="alert">[^<]*Please wait[^<]*</p>\s*', refused.text
    )
    # On a phone the notices area is far above the option just tapped: the stylesheet keeps it in sight.
    stylesheet = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert re.search(r"\.notices:has\(> \.notice-throttled\) \{[^}]*position: sticky", stylesheet)


def test_the_page_lets_htmx_swap_a_429(demo: None) -> None:
    page = Client().get("/p/shirt/")
    assert '{"code": "429", "swap": true, "error": false}' in page.text


def test_share_code_lookups_are_throttled_found_or_not(demo: None, limited: None) -> None:
    client = Client()
    client.post("/p/shirt/save", {"fabric": "oxford_blue"})
    code = SavedConfiguration.objects.get().code
    with override_settings(RATELIMIT_RATES=_rates(share="3/hour")):
        guesses = [client.get(f"/c/{guess}/").status_code for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC")]
        hit = client.get(f"/c/{code}/")
    assert guesses == [404, 404, 404]
    assert hit.status_code == 429  # misses count: guessing is slowed down, not only finding


def test_saves_are_throttled(demo: None, limited: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_RATES=_rates(save="2/hour")):
        fabrics = ["oxford_blue", "poplin_white", "oxford_blue"]
        answers = [client.post("/p/shirt/save", {"fabric": fabric}).status_code for fabric in fabrics]
    assert answers == [302, 302, 429]
    assert SavedConfiguration.objects.count() == 2  # two configurations (one save each is one code)


def test_rendering_a_new_preview_is_limited_more_tightly_than_serving_a_rendered_one(
    demo: None, limited: None, settings: Any, tmp_path: Any
) -> None:
    settings.PREVIEW_ROOT = tmp_path / "previews"
    client = Client()
    page = client.get("/p/shirt/?monogram=ABC&monogram_position=chest&monogram_colour=navy")
    urls = sorted(set(re.findall(r"/preview/[0-9a-f]{64}-[a-z]+\.[a-z]+", page.text)))
    assert len(urls) >= 2
    with override_settings(RATELIMIT_RATES=_rates(preview_render="1/min", preview="100/min")):
        first = client.get(urls[0])
        second = client.get(urls[1])
        again = [client.get(urls[0]).status_code for _ in range(5)]
    assert first.status_code == 200
    assert second.status_code == 429 and int(second["Retry-After"]) >= 1
    assert again == [200] * 5  # already rendered: only the generous rate applies


def test_pages_showing_new_looks_are_limited_more_tightly_than_pages_showing_known_ones(
    demo: None, limited: None, settings: Any, tmp_path: Any
) -> None:
    settings.PREVIEW_ROOT = tmp_path / "previews"
    client = Client()
    look = "/p/shirt/?monogram={}&monogram_position=chest&monogram_colour=navy"
    with override_settings(RATELIMIT_RATES=_rates(preview_recipe="2/min", pages="100/min")):
        new = [client.get(look.format(monogram)).status_code for monogram in ("AAA", "AAB", "AAC")]
        known = [client.get(look.format("AAA")).status_code for _ in range(3)]
    assert new == [200, 200, 429]  # each new look stores a recipe: ~1 KB on disk
    assert known == [200, 200, 200]
    assert len(list(Path(settings.PREVIEW_ROOT).rglob("*.json"))) == 2


# -- admin sign-in ------------------------------------------------------------------------------


def test_admin_sign_in_locks_out_a_user_and_address_after_failures(merchandiser: Any) -> None:
    client = Client()

    def sign_in(password: str, address: str = "198.51.100.4") -> Any:
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "merchandiser", "password": password},
            REMOTE_ADDR=address,
        )

    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        wrong = [sign_in("wrong").status_code for _ in range(2)]
        locked = sign_in("wrong")
        right_password = sign_in("pw-merchandiser-123")
        elsewhere = Client().post(
            "/admin/login/?next=/admin/",
            {"username": "merchandiser", "password": "pw-merchandiser-123"},
            REMOTE_ADDR="198.51.100.99",
        )
        call_command("axes_reset", stdout=None)
        after_reset = sign_in("pw-merchandiser-123")
    assert wrong == [200, 200]  # the form again, with its error
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 15 * 60
    assert "Too many wrong passwords" in locked.text and "15 minutes" in locked.text
    # The admin's own header, and no breadcrumbs to pages that would only ask to sign in again.
    assert str(admin.site.site_header) in locked.text and 'class="breadcrumbs"' not in locked.text
    assert right_password.status_code == 429  # the right password does not get through a lockout
    assert elsewhere.status_code == 302  # the lock holds for this user from that address only
    assert after_reset.status_code == 302 and after_reset["Location"] == "/admin/"


def test_admin_sign_in_attempts_from_one_address_are_throttled_whatever_the_user(db: None) -> None:
    client = Client()
    with override_settings(RATELIMIT_ENABLE=True, RATELIMIT_RATES=_rates(login="3/min")):
        shown = [client.get("/admin/login/").status_code for _ in range(5)]
        tries = [
            client.post("/admin/login/", {"username": f"user{i}", "password": "guess"}).status_code for i in range(4)
        ]
    assert shown == [200] * 5  # showing the form is free
    assert tries == [200, 200, 200, 429]


def test_expired_throttle_counts_leave_a_database_cache(db: None) -> None:
    """Counts are keyed by the visitor's address; Django's database cache kept expired rows until read again."""
    from django.db import connection

    from configurator.tasks import cache_expire

    database_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}
    with override_settings(CACHES=database_cache):
        from django.core.cache import cache

        call_command("createcachetable", verbosity=0)  # the migration makes it only for db:// (tests use memory)
        cache.set("throttle_pages_203.0.113.9", [1.0], timeout=0)  # already expired
        cache.set("throttle_pages_203.0.113.10", [1.0], timeout=3600)
        assert cache_expire() == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM django_cache")
            keys = [row[0] for row in cursor.fetchall()]
        assert keys == [":1:throttle_pages_203.0.113.10"]
    assert cache_expire() == 0  # another cache (memory, Redis) expires its own entries


def test_the_shop_and_the_api_keep_answering_when_the_cache_is_down(
    demo: None, limited: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The counts are abuse control, not the shop: an unreachable cache lets requests through, and says so."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # a port nothing listens on
        location = f"redis://127.0.0.1:{unused.getsockname()[1]}/0"
        down = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
        with override_settings(CACHES={"default": down}), caplog.at_level("WARNING", logger="config.throttling"):
            client = Client()
            assert client.get("/p/shirt/", headers={"HX-Request": "true"}).status_code == 200
            answer = client.post("/api/v1/products/shirt/configure", {}, content_type="application/json")
            assert answer.status_code == 200
    assert "not counted" in caplog.text  # the operator learns that limits are not being counted


def test_a_redis_that_does_not_answer_lets_requests_through_after_its_timeout(
    demo: None, limited: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A Redis that accepts connections but never answers costs a request its read timeout, not forever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the backlog; nothing is ever read or answered
        # Closing the socket resets the waiting connections: without a timeout the request waits until then.
        release = threading.Timer(6, silent.close)
        release.start()
        try:
            silent_cache = _cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
            with override_settings(CACHES={"default": silent_cache}), caplog.at_level("WARNING"):
                start = time.monotonic()
                answer = Client().get("/p/shirt/", headers={"HX-Request": "true"})
                elapsed = time.monotonic() - start
        finally:
            release.cancel()
    assert answer.status_code == 200 and "not counted" in caplog.text
    assert elapsed < 4  # two scopes at most, each one read timeout (0.5 s), plus the page
