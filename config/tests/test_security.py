"""Headers, cookies and deployment checks (issue 13 item 6, audit F15): CSP, HSTS, TLS behind a proxy, Swagger UI."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings

from catalog.selectors import version_latest_for
from configurator.models import SavedConfiguration
from orders import services
from orders.samples import shirt_configuration
from orders.tests.conftest import CUSTOMER
from orders.tests.test_views import _checkout_url

ROOT = Path(__file__).resolve().parent.parent.parent
# What a real deployment sets at least (README "Security", docs/_readme_limits.md).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "shop.example.com",
    "EMAIL_URL": "smtp+tls://shop:secret@mail.example.com:587",
    "SITE_URL": "https://shop.example.com",
    "DEFAULT_FROM_EMAIL": "Shop <orders@example.com>",
    # Without it, settings with DEBUG off refuse to load (a throwaway key, as the tests' own).
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA=",
}


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "RATELIMIT_", "CACHE_", "AXES_", "EMAIL_"))
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    clean.update({"SECRET_KEY": secrets.token_urlsafe(50), "VAR_DIR": str(tmp_path), **PRODUCTION_ENV, **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the callers read the exit status
    )


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def test_check_deploy_with_production_settings_gives_no_warning(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_malformed_proxy_ssl_header_or_cache_url_stops_the_start_naming_the_variable(tmp_path: Path) -> None:
    header = _manage(tmp_path, "check", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert header.returncode != 0 and "SECURE_PROXY_SSL_HEADER" in header.stderr
    cache = _manage(tmp_path, "check", CACHE_URL="memcached://127.0.0.1:11211")
    assert cache.returncode != 0 and "CACHE_URL" in cache.stderr


def _inline_scripts(html: str) -> list[str]:
    tags = re.findall(r"<script\b[^>]*>", html)
    return [t for t in tags if "src=" not in t and "application/json" not in t]


def test_pages_send_a_content_security_policy_without_inline_script(client: Client, demo: None) -> None:
    client.post("/p/shirt/save", {"fabric": "oxford_blue"})
    code = SavedConfiguration.objects.get().code
    version = version_latest_for("shirt")
    assert version is not None
    order = services.order_place(version=version, data=shirt_configuration(), customer=CUSTOMER, language="en").order
    pages = ["/", "/p/shirt/", f"/c/{code}/?saved=1", _checkout_url(version, shirt_configuration()), "/privacy/"]
    pages += [order.get_absolute_url(), "/admin/login/", "/api/docs/"]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert _inline_scripts(page.text) == [], url
        assert not re.search(r"\son[a-z]+=", page.text), url  # no inline event handler either


# What config.settings gives with DEBUG off (the deployment check, above, holds it to them). Set here so the
# test does not depend on the environment it runs in: with DEBUG=1, SECURE_HSTS_SECONDS defaults to 0.
PRODUCTION_HSTS = {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}


@override_settings(DEBUG=False, **PRODUCTION_HSTS)
def test_hsts_on_secure_requests_and_a_redirect_to_https(demo: None) -> None:
    secure = Client().get("/p/shirt/", secure=True)  # the middleware reads the settings when it is built
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    with override_settings(SECURE_SSL_REDIRECT=True):
        fresh = Client()  # the middleware reads the setting when it is built
        plain = fresh.get("/p/shirt/?fabric=oxford_blue")
        probes = [fresh.get("/healthz"), fresh.get("/readyz")]
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/p/shirt/?fabric=oxford_blue"
    # The platform's health and readiness probes are answered over plain HTTP.
    assert [probe.status_code for probe in probes] == [200, 200]


def test_behind_a_tls_proxy_secret_links_are_https(client: Client, demo: None) -> None:
    client.post("/p/shirt/save", {"fabric": "oxford_blue"})
    code = SavedConfiguration.objects.get().code
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        page = client.get(f"/c/{code}/", headers={"X-Forwarded-Proto": "https", "Host": "testserver"})
    assert f'value="https://testserver/c/{code}/"' in page.text


def test_staff_sessions_end_when_idle_or_when_the_browser_closes(client: Client, merchandiser: Any) -> None:
    client.force_login(merchandiser)
    response = client.get("/admin/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() <= 3600


def test_swagger_ui_is_served_from_the_pinned_package_not_a_cdn(client: Client, db: None) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "cdn.jsdelivr.net" not in page.text and "//unpkg" not in page.text
    bundle = re.search(r'src="(/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.js)"', page.text)
    assert bundle and finders.find(bundle.group(1).removeprefix("/static/"))
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.text)
    assert script
    init = client.get(script.group(1).replace("&amp;", "&"))
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.text


# -- request bodies (verify round: files were read whatever their size) ----------------------------


def test_a_visitors_oversized_body_is_refused_before_it_is_read(demo: None) -> None:
    """Django does not count uploaded files against DATA_UPLOAD_MAX_MEMORY_SIZE, and the CSRF check
    reads every POST: a 100 MB file sent to the save form was streamed to a temporary file (302)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    junk = SimpleUploadedFile("junk.bin", b"\0" * 5000)
    with override_settings(REQUEST_MAX_BODY_BYTES=4000):
        form = client.post("/p/shirt/save", {"fabric": "oxford_blue", "junk": junk})
        api = client.post("/api/v1/orders", "[" + "0," * 3000 + "0]", content_type="application/json")
        small = Client().post("/p/shirt/save", {"fabric": "oxford_blue"})
        again = SimpleUploadedFile("junk.bin", b"\0" * 5000)
        italian = client.post("/it/p/shirt/save", {"fabric": "oxford_blue", "junk": again})
    assert form.status_code == 413 and "Too much data" in form.text
    assert italian.status_code == 413 and "Troppi dati" in italian.text
    assert SavedConfiguration.objects.count() == 1  # only the small one
    assert api.status_code == 413
    assert api.json() == {"errors": {"detail": ["the request body is larger than 4000 bytes"]}}
    assert small.status_code == 302


def test_signed_in_staff_may_send_larger_bodies_the_admin_checks_them(demo: None, merchandiser: Any) -> None:
    client = Client()
    client.force_login(merchandiser)
    with override_settings(REQUEST_MAX_BODY_BYTES=100):
        answer = client.post("/admin/catalog/product/", {"action": "", "q": "x" * 500})
    assert answer.status_code != 413


def test_a_chunked_body_to_the_api_is_refused_not_ignored(demo: None) -> None:
    """Django reads no body without Content-Length: a chunked configure answered 200 with an empty configuration."""
    answer = Client().post(
        "/api/v1/products/shirt/configure", data="", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert answer.status_code == 411
    assert "Content-Length" in answer.json()["errors"]["detail"][0]
    schema = Client().get("/api/schema/?format=json").json()
    assert "411" in schema["paths"]["/api/v1/products/{code}/configure"]["post"]["responses"]
