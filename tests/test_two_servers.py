"""Two app servers on one database and one media store serve each other's previews, share links and orders.

Two gunicorn processes on two free ports, each with its own VAR_DIR, share only what a
shop's servers share: the database (DATABASE_URL, a SQLite file here) and the media and
previews stores (MEDIA_ROOT and PREVIEW_ROOT, one folder here; a bucket in production).
What one server renders, saves or places, the other serves. Skipped, with the reason,
when gunicorn is missing or does not start.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from orders.samples import shirt_configuration

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 20
# A fixed test key (the same one config/settings_test.py uses); never used outside tests.
FERNET = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="
PREVIEW = re.compile(r"/preview/[0-9a-f]{64}-large\.webp")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHIRT = shirt_configuration(
    product="shirt",
    texts={"monogram": "AB"},
    customer={"name": "Ada Lovelace", "email": "ada@example.com", "address": "1 Road\nTown"},
)


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(shared: Path, var_dir: Path) -> dict[str, str]:
    """The production variables of one server: its own VAR_DIR, the shared database and stores."""
    own = ("DJANGO_", "DATABASE_", "CACHE_", "CELERY_", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings_servers",
        DEBUG="0",
        SECRET_KEY="two-servers-test-only-not-secret",
        FIELD_ENCRYPTION_KEY=FERNET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{shared / 'db.sqlite3'}",
        MEDIA_ROOT=str(shared / "media"),
        PREVIEW_ROOT=str(shared / "previews"),
    )
    return env


def _start(shared: Path, name: str, config: Path) -> Server:
    var_dir = shared / f"var-{name}"
    var_dir.mkdir()
    port = _free_port()
    log = shared / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", str(config)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--worker-class", "gthread"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=_environment(shared, var_dir), stdout=sink, stderr=sink)
    return Server(url=f"http://127.0.0.1:{port}", process=process, log=log)


def _ready(server: Server, deadline: float) -> str | None:
    """Wait until `server` answers /healthz; return why not (its log's end) if it never does."""
    import requests

    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if requests.get(server.url + "/healthz", timeout=5).status_code == 200:
                return None
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return server.log.read_text(errors="replace")[-800:] or "no output"


def _fingerprint() -> str:
    """Hash what the prepared database depends on: the migrations, the demo catalogs and the pins."""
    digest = hashlib.sha256()
    files = [*ROOT.glob("*/migrations/*.py"), *(ROOT / "catalog" / "demo").rglob("*"), ROOT / "requirements.txt"]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _prepared() -> Path:
    """Return a folder with a migrated database holding the demo catalogs and their media, made once.

    Migrating takes most of the test's time (6-9 s here), so the result is kept under
    var/test, named after what it depends on, and copied for each run.
    """
    folder = ROOT / "var" / "test" / "two-servers" / _fingerprint()
    if (folder / "db.sqlite3").exists():
        return folder
    building = Path(tempfile.mkdtemp(prefix="building-", dir=folder.parent if folder.parent.exists() else None))
    (building / "var").mkdir()
    setup = "import django; django.setup(); from django.core.management import call_command as c; "
    setup += "c('migrate', verbosity=0); c('load_demo', verbosity=0)"
    env = _environment(building, building / "var")
    command = [sys.executable, "-c", setup]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    shutil.rmtree(building / "var")
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        building.rename(folder)
    except OSError:  # another run made it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return folder


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Two gunicorn servers on one migrated database with the demo catalogs and one media store."""
    pytest.importorskip("gunicorn", reason="gunicorn is not installed")
    pytest.importorskip("requests", reason="requests is not installed")
    shared = tmp_path_factory.mktemp("two-servers")
    prepared = _prepared()
    shutil.copy2(prepared / "db.sqlite3", shared / "db.sqlite3")
    shutil.copytree(prepared / "media", shared / "media")
    config = shared / "gunicorn.conf.py"
    config.write_text("# empty: the command line says everything (the repository's own configuration is not read)\n")
    started = [_start(shared, "a", config), _start(shared, "b", config)]
    try:
        deadline = time.monotonic() + START_SECONDS
        for server in started:
            why = _ready(server, deadline)
            if why is not None:
                pytest.skip(f"gunicorn did not start: {why}")
        yield started[0], started[1]
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for server in started:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


def test_a_preview_rendered_on_one_server_is_served_by_the_other(servers: tuple[Server, Server]) -> None:
    import requests

    a, b = servers
    page = requests.get(a.url + "/p/shirt/?fabric=oxford_blue&collar=cutaway", timeout=10)
    assert page.status_code == 200
    found = PREVIEW.search(page.text)
    assert found is not None, "the page names its preview"
    # A stored the look's recipe only; B renders it from that recipe and the shared layer images.
    on_b = requests.get(b.url + found.group(0), timeout=10)
    assert on_b.status_code == 200 and on_b.headers["Content-Type"] == "image/webp"
    assert "immutable" in on_b.headers["Cache-Control"]
    on_a = requests.get(a.url + found.group(0), timeout=10)
    assert on_a.status_code == 200 and on_a.content == on_b.content  # A serves what B rendered


def test_a_configuration_saved_on_one_server_opens_on_the_other(servers: tuple[Server, Server]) -> None:
    import requests

    a, b = servers
    session = requests.Session()
    page = session.get(a.url + "/p/shirt/?fabric=oxford_blue", timeout=10)
    token = CSRF.search(page.text)
    assert token is not None
    saved = session.post(
        a.url + "/p/shirt/save",
        data={"csrfmiddlewaretoken": token.group(1), "fabric": "oxford_blue", "collar": "cutaway"},
        allow_redirects=False,
        timeout=10,
    )
    assert saved.status_code == 302, saved.text[:500]
    share = urlsplit(saved.headers["Location"]).path
    assert share.startswith("/c/")
    opened = requests.get(b.url + share, timeout=10)
    assert opened.status_code == 200
    assert share.strip("/").rsplit("/", 1)[1] in opened.text  # B shows the code A gave


def test_an_order_placed_on_one_server_shows_its_page_and_picture_on_the_other(servers: tuple[Server, Server]) -> None:
    import requests

    a, b = servers
    headers = {"Idempotency-Key": "two-servers-1"}
    placed = requests.post(a.url + "/api/v1/orders", json=SHIRT, headers=headers, timeout=30)
    assert placed.status_code == 201, placed.text[:500]
    link = urlsplit(placed.json()["url"]).path
    page = requests.get(b.url + link, timeout=10)
    assert page.status_code == 200 and placed.json()["number"] in page.text
    picture = link + "picture.webp"
    assert f'src="{picture}"' in page.text
    on_b = requests.get(b.url + picture, timeout=10)
    assert on_b.status_code == 200 and on_b.headers["Content-Type"] == "image/webp"
    assert on_b.content[8:12] == b"WEBP"
    number = placed.json()["number"]
    assert requests.get(f"{b.url}/orders/{number}/wrong-key/picture.webp", timeout=10).status_code == 404
