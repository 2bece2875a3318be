"""Two app servers on one database, one cache and one media store serve each other's previews, share links and orders.

Two gunicorn processes on two free ports, each with its own VAR_DIR, share only what a
shop's servers share: the database, the cache and the media and previews stores, one
S3-compatible bucket (moto's server, in this process, reached over HTTP as MinIO or S3
would be; docs/media.md). What one server renders, saves or places, the other serves,
and the files are objects in the bucket, none in the local media or previews folder.

On the embedded defaults the database is a SQLite file and the cache a table in it. With
DATABASE_URL naming PostgreSQL the servers use a database of their own on that server
(its name with `test_` before and `_two_servers` after, made afresh and dropped after),
and with CACHE_URL naming Redis they share that Redis database, their keys under a prefix
of this run's own (nothing else's keys are read, written or flushed). .ci/run runs it
both ways. A server that does not start, or exits while the tests run, fails the test
with the end of its log.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from orders.samples import shirt_configuration
from orders.services.pictures import ORDER_PICTURES

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 20
WARM_SECONDS = 120
# A fixed test key (the same one config/settings_test.py uses); never used outside tests.
FERNET = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="
PREVIEW = re.compile(r"/preview/([0-9a-f]{64})-large\.webp")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHIRT = shirt_configuration(
    product="shirt",
    texts={"monogram": "AB"},
    customer={"name": "Ada Lovelace", "email": "ada@example.com", "address": "1 Road\nTown"},
)


@dataclass(frozen=True)
class Backends:
    """What the two servers share besides the bucket: the database and, when set, a Redis cache."""

    database_url: str
    #: A Redis CACHE_URL, or "" for the embedded default (a table in the database).
    cache_url: str = ""
    #: This run's own prefix for every cache key (tests/settings_servers.py).
    cache_prefix: str = ""

    @property
    def postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


@dataclass(frozen=True)
class Bucket:
    """The S3-compatible store both servers keep media and previews in: a bucket on moto's server."""

    endpoint: str
    name: str = "two-servers"
    region: str = "us-east-1"
    #: Fake credentials: moto accepts any.
    key: str = "two-servers-test"
    secret: str = "two-servers-test-only-not-secret"

    def environment(self) -> dict[str, str]:
        """Return the storage variables (docs/media.md) naming this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": self.region,
            "AWS_S3_ACCESS_KEY_ID": self.key,
            "AWS_S3_SECRET_ACCESS_KEY": self.secret,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self) -> Any:
        import boto3  # type: ignore[import-untyped]  # no stubs installed (boto3-stubs is not pinned)

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.key,
            aws_secret_access_key=self.secret,
        )

    def keys(self, prefix: str) -> set[str]:
        """Return the names of the bucket's objects under `prefix`."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=self.name, Key=key)["Body"].read()
        return body


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def why_not_running(self) -> str | None:
        """Return why the server is gone (its exit status and log's end), or None while it runs."""
        status = self.process.poll()
        if status is None:
            return None
        return f"gunicorn at {self.url} exited with {status}: {_log_end(self.log)}"


def _log_end(log: Path) -> str:
    return log.read_text(errors="replace")[-1500:] if log.exists() else "no log"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _backends(shared: Path) -> Backends:
    """Read DATABASE_URL and CACHE_URL: PostgreSQL and Redis when they name them, else the embedded defaults."""
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(database)
        name = f"test_{parts.path.lstrip('/') or 'postgres'}_two_servers"
        database = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        database = f"sqlite:///{shared / 'db.sqlite3'}"
    cache = os.environ.get("CACHE_URL", "")
    if not cache.startswith(("redis://", "rediss://")):
        return Backends(database_url=database)
    return Backends(database_url=database, cache_url=cache, cache_prefix=f"two-servers-{secrets.token_hex(4)}")


def _environment(backends: Backends, shared: Path, var_dir: Path, bucket: Bucket | None) -> dict[str, str]:
    """The production variables of one server: its own VAR_DIR, the shared database, cache and stores.

    With `bucket` the stores are that bucket; MEDIA_ROOT and PREVIEW_ROOT still name folders
    under `shared`, which the test checks stay empty. Without it (the prepared database's
    setup) they are those folders.
    """
    own = ("DJANGO_", "DATABASE_", "CACHE_", "CELERY_", "AWS_", "TWO_SERVERS_")
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
        DATABASE_URL=backends.database_url,
        MEDIA_ROOT=str(shared / "media"),
        PREVIEW_ROOT=str(shared / "previews"),
        # The shirt's diagram gives up in 0.4 s, not 3.2 s, as in config/settings_test.py.
        ENGINE_DIAGRAM_NODES="200000",
    )
    if backends.cache_url:
        env.update(CACHE_URL=backends.cache_url, TWO_SERVERS_CACHE_PREFIX=backends.cache_prefix)
    if bucket is not None:
        env.update(bucket.environment())
    return env


def _start(backends: Backends, bucket: Bucket, shared: Path, name: str, config: Path) -> Server:
    var_dir = shared / f"var-{name}"
    var_dir.mkdir()
    port = _free_port()
    log = shared / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", str(config)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--worker-class", "gthread"]
    with log.open("wb") as sink:
        # A session of its own: the teardown stops the master and every worker it forked, as one group.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_environment(backends, shared, var_dir, bucket),
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
    return Server(url=f"http://127.0.0.1:{port}", process=process, log=log)


def _stop(servers: list[Server]) -> None:
    """Stop each server's whole process group: gunicorn's quick shutdown, then SIGKILL for what is left."""
    for server in servers:
        _signal_group(server, signal.SIGINT)
    for server in servers:
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(server, signal.SIGKILL)  # a worker that outlived its master, or a master that hung
        server.process.wait(timeout=10)


def _signal_group(server: Server, signum: int) -> None:
    try:
        os.killpg(server.process.pid, signum)  # the group's id is the master's pid (start_new_session)
    except ProcessLookupError:
        pass


def _ready(server: Server, deadline: float) -> str | None:
    """Wait until `server` answers /healthz; return why not (its log's end) if it never does."""
    import requests

    while time.monotonic() < deadline:
        gone = server.why_not_running()
        if gone is not None:
            return gone
        try:
            if requests.get(server.url + "/healthz", timeout=5).status_code == 200:
                return None
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return f"gunicorn at {server.url} did not answer /healthz in {START_SECONDS} s: {_log_end(server.log)}"


def _warm(server: Server) -> None:
    """Compile the shirt in the server's worker, so the tests' requests do not wait for it.

    The repository's gunicorn configuration compiles every version before forking; this one is
    empty, so the first request does (seconds on a busy machine: beyond a test request's timeout).
    """
    import requests

    try:
        answer = requests.get(server.url + "/p/shirt/", timeout=WARM_SECONDS)
    except requests.RequestException as error:
        pytest.fail(f"gunicorn at {server.url} did not answer the shirt's page: {error}; {_log_end(server.log)}")
    assert answer.status_code == 200, _log_end(server.log)


def _setup(backends: Backends, folder: Path, bucket: Bucket | None) -> None:
    """Migrate the servers' database and load the demo catalogs, their media into `bucket` or `folder`/media."""
    (folder / "var").mkdir(exist_ok=True)
    setup = "import django; django.setup(); from django.core.management import call_command as c; "
    setup += "c('migrate', verbosity=0); c('load_demo', verbosity=0)"
    env = _environment(backends, folder, folder / "var", bucket)
    command = [sys.executable, "-c", setup]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    shutil.rmtree(folder / "var")


def _postgres(backends: Backends, statement: str) -> None:
    """Run `statement` (its one {} the servers' database) on the PostgreSQL server of DATABASE_URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(backends.database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(sql.SQL(statement).format(sql.Identifier(name)))


def _fingerprint() -> str:
    """Hash what the prepared database depends on: the migrations, the demo catalogs and the pins."""
    digest = hashlib.sha256()
    files = [*ROOT.glob("*/migrations/*.py"), *(ROOT / "catalog" / "demo").rglob("*"), ROOT / "requirements.txt"]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _prepared() -> Path:
    """Return a folder with a migrated SQLite database holding the demo catalogs and their media, made once.

    Migrating takes most of the test's time (6-9 s here), so the result is kept under
    var/test, named after what it depends on, and copied for each run.
    """
    folder = ROOT / "var" / "test" / "two-servers" / _fingerprint()
    if (folder / "db.sqlite3").exists():
        return folder
    building = Path(tempfile.mkdtemp(prefix="building-", dir=folder.parent if folder.parent.exists() else None))
    _setup(Backends(database_url=f"sqlite:///{building / 'db.sqlite3'}"), building, None)
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        building.rename(folder)
    except OSError:  # another run made it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _upload(folder: Path, bucket: Bucket, prefix: str) -> None:
    """Copy every file under `folder` into `bucket`, named `prefix`/ and its path under `folder`."""
    client = bucket.client()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        client.upload_file(str(path), bucket.name, f"{prefix}/{path.relative_to(folder).as_posix()}")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The servers' folder: the SQLite database, their logs and VAR_DIRs, and the media folders left empty."""
    return tmp_path_factory.mktemp("two-servers")


@pytest.fixture(scope="module")
def bucket() -> Iterator[Bucket]:
    """An empty bucket on moto's S3 server, started in this process on a port the system chooses."""
    pytest.importorskip("moto", reason="moto (requirements-dev.txt) is not installed")
    pytest.importorskip("flask", reason="moto's server needs moto[server] (requirements-dev.txt)")
    from moto.server import ThreadedMotoServer

    # Port 0: the system binds a free port at once (no window for another process to take it).
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    store.start()
    try:
        host, port = store.get_host_and_port()
        made = Bucket(endpoint=f"http://{host}:{port}")
        made.client().create_bucket(Bucket=made.name)
        yield made
    finally:
        store.stop()


@pytest.fixture(scope="module")
def started(shared: Path, bucket: Bucket) -> Iterator[tuple[Server, Server]]:
    """Two gunicorn servers on one migrated database with the demo catalogs, one cache and one bucket."""
    backends = _backends(shared)
    if backends.postgres:
        _postgres(backends, "DROP DATABASE IF EXISTS {} WITH (FORCE)")  # left by a run that was killed
        _postgres(backends, "CREATE DATABASE {}")
        _setup(backends, shared, bucket)
    else:
        prepared = _prepared()
        shutil.copy2(prepared / "db.sqlite3", shared / "db.sqlite3")
        _upload(prepared / "media", bucket, "media")  # MEDIA_STORAGE_PREFIX's default
    config = shared / "gunicorn.conf.py"
    config.write_text("# empty: the command line says everything (the repository's own configuration is not read)\n")
    servers: list[Server] = []
    try:
        servers = [_start(backends, bucket, shared, "a", config), _start(backends, bucket, shared, "b", config)]
        deadline = time.monotonic() + START_SECONDS
        for server in servers:
            why = _ready(server, deadline)
            if why is not None:
                pytest.fail(f"a server did not start: {why}")
        for server in servers:
            _warm(server)
        yield servers[0], servers[1]
    finally:
        _stop(servers)
        if backends.postgres:
            _postgres(backends, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        if backends.cache_url:
            import redis

            shared_cache = redis.Redis.from_url(backends.cache_url)
            for key in shared_cache.scan_iter(f"{backends.cache_prefix}:*"):
                shared_cache.delete(key)


@pytest.fixture
def servers(started: tuple[Server, Server]) -> Iterator[tuple[Server, Server]]:
    """The two servers, both checked to be still running before and after each test."""
    for server in started:
        gone = server.why_not_running()
        if gone is not None:
            pytest.fail(gone)
    yield started
    for server in started:
        gone = server.why_not_running()
        if gone is not None:
            pytest.fail(gone)


def _local_files(shared: Path) -> list[Path]:
    """Return the files in the local media and previews folders (MEDIA_ROOT, PREVIEW_ROOT): the bucket has them."""
    return [path for folder in ("media", "previews") for path in (shared / folder).rglob("*") if path.is_file()]


def test_a_preview_rendered_on_one_server_is_served_by_the_other(
    servers: tuple[Server, Server], bucket: Bucket, shared: Path
) -> None:
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
    # The recipe A stored and the picture B rendered are the bucket's objects (configurator/preview.py's names).
    key = found.group(1)
    stored = bucket.keys(f"previews/{key[:2]}/{key}")
    assert stored == {f"previews/{key[:2]}/{key}.json", f"previews/{key[:2]}/{key}-large.webp"}
    assert bucket.read(f"previews/{key[:2]}/{key}-large.webp") == on_b.content
    assert bucket.keys("media/preview/"), "the layer images it was drawn from"
    assert _local_files(shared) == []


def test_a_configuration_saved_on_one_server_opens_on_the_other(
    servers: tuple[Server, Server], bucket: Bucket, shared: Path
) -> None:
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
    # B's page names the saved look's preview, whose recipe is in the bucket for either server to render.
    found = PREVIEW.search(opened.text)
    assert found is not None, "the shared configuration's page names its preview"
    key = found.group(1)
    assert f"previews/{key[:2]}/{key}.json" in bucket.keys(f"previews/{key[:2]}/")
    assert _local_files(shared) == []


def test_an_order_placed_on_one_server_shows_its_page_and_picture_on_the_other(
    servers: tuple[Server, Server], bucket: Bucket, shared: Path
) -> None:
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
    # The picture A kept for the order is an object in the bucket's media, the one B served.
    pictures = bucket.keys(f"media/{ORDER_PICTURES}/")
    assert on_b.content in {bucket.read(name) for name in pictures}
    assert _local_files(shared) == []
