"""The deployment a shop runs: compose.yaml and the Dockerfile (docs/deployment.md).

`docker compose config` validates the file where the Compose client is installed; everywhere, the
file is loaded and checked for its services, exactly one beat, and an environment the settings accept.
The image itself is not built here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {
    "SECRET_KEY": "compose-test-secret-key",
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA=",
    "POSTGRES_PASSWORD": "pg-pass",
    "MINIO_ROOT_PASSWORD": "minio-pass",
}
APP_SERVICES = ("migrate", "web", "worker", "beat")


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve ${NAME}, ${NAME:-default} and ${NAME:?error} as Compose does ($$ is a literal $)."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value.replace("$$", "\0")).replace("\0", "$")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def _environment(service: str, env: dict[str, str]) -> dict[str, str]:
    raw = _compose()["services"][service]["environment"]
    return {name: _interpolate(str(value), env) for name, value in raw.items()}


def _command(service: str) -> str:
    return " ".join(_compose()["services"][service].get("command", []))


def services_command(service: str) -> str:
    """The service's command as a shell would show it (an empty argument as "")."""
    return " ".join(part or '""' for part in _compose()["services"][service].get("command", []))


def test_the_services_a_shop_runs() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "cache", "minio", "bucket", *APP_SERVICES}
    assert _command("web") == "gunicorn --config config/gunicorn.conf.py config.wsgi"
    assert _command("worker").startswith("celery -A config worker")
    # Migrations run once, before the app starts, never from several web processes at once.
    for service in ("web", "worker", "beat"):
        assert services[service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_exactly_one_beat() -> None:
    services = _compose()["services"]
    beats = [name for name in services if re.search(r"\bcelery\b.*\bbeat\b", _command(name))]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_web_worker_and_beat_share_the_database_broker_cache_and_store() -> None:
    environments = [_environment(service, SECRETS) for service in APP_SERVICES]
    shared = ["DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"]
    shared += ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"]
    for name in shared:
        assert len({environment[name] for environment in environments}) == 1, name
    web = environments[1]
    assert web["DEBUG"] == "0"
    assert urlsplit(web["DATABASE_URL"]).hostname == "postgres"
    assert urlsplit(web["DATABASE_URL"]).password == "pg-pass"
    assert urlsplit(web["CELERY_BROKER_URL"]).hostname == "redis"
    # The cache holds the Insights' visitor salt: never on the broker's persistent Redis.
    assert urlsplit(web["CACHE_URL"]).hostname == "cache"
    assert "--appendonly yes" in services_command("redis") and '--save ""' in services_command("cache")
    assert urlsplit(web["AWS_S3_ENDPOINT_URL"]).hostname == "minio" and web["AWS_S3_ADDRESSING_STYLE"] == "path"
    assert web["AWS_S3_SECRET_ACCESS_KEY"] == "minio-pass" and web["AWS_STORAGE_BUCKET_NAME"]
    assert web["BIND"] == "0.0.0.0:8000"


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_secrets_have_no_default(secret: str) -> None:
    with pytest.raises(KeyError, match=secret):
        _environment("web", {name: value for name, value in SECRETS.items() if name != secret})


def test_the_settings_accept_the_web_environment() -> None:
    """Load the real settings with web's environment (nothing connects): names and formats must be right.

    As behind PgBouncer (docs/deployment.md): no server-side cursors, no persistent connections.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        **_environment("web", SECRETS),
        "VAR_DIR": str(ROOT / "var" / "test"),
        "DB_DISABLE_SERVER_SIDE_CURSORS": "1",
        "DB_CONN_MAX_AGE": "0",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([s.DEBUG, d['HOST'], d['DISABLE_SERVER_SIDE_CURSORS'], d['CONN_MAX_AGE'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, list(s.SECURE_PROXY_SSL_HEADER), s.SECURE_SSL_REDIRECT, "
        "s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['endpoint_url'], "
        "s.STORAGES['previews']['OPTIONS']['bucket_name']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        False,
        "postgres",
        True,
        0,
        "django.core.cache.backends.redis.RedisCache",
        "redis://redis:6379/0",
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        "storages.backends.s3.S3Storage",
        "http://minio:9000",
        "configurator-media",
    ]


def test_third_party_images_are_pinned() -> None:
    for name, service in _compose()["services"].items():
        if "image" in service and "build" not in service:
            image = service["image"]
            tag = image.rpartition(":")[2]
            assert ":" in image and tag != "latest" and re.search(r"\d", tag), f"{name}: {image}"


def test_the_image_is_small_pinned_non_root_and_checked() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13\.\d+-slim", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "pybabel compile" in dockerfile and "collectstatic" in dockerfile
    # The diagram kernel is compiled in a build stage: the running image has no C compiler.
    assert "kernel_build" in dockerfile and "COPY --from=kernel" in dockerfile
    assert "gcc" not in dockerfile.split("COPY --from=kernel")[1]
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", "configurator/engine/diagram/_kernel_*"} <= set(ignored)


def _pins(name: str) -> dict[str, str]:
    """Return the pinned packages of a requirements file, by normalised name."""
    lines = (ROOT / name).read_text().splitlines()
    pins = [line.split("==") for line in lines if "==" in line and not line.startswith("#")]
    return {re.sub(r"[-_.]+", "-", package).lower(): version for package, version in pins}


def test_the_image_installs_the_runtime_requirements_only() -> None:
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    for tool in ("pytest", "pytest-django", "playwright", "hypothesis", "honcho"):
        assert tool not in runtime and tool in dev, tool
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()  # make setup: both
    assert not set(runtime) & set(dev), "a package pinned twice"
    installs = re.findall(r"pip install [^\n]*", (ROOT / "Dockerfile").read_text())
    assert installs and all(line.endswith("-r requirements.txt") for line in installs), installs


def test_the_runtime_requirements_hold_what_they_pull_in() -> None:
    """Every dependency of a runtime package is pinned with it: the image must not need a test tool."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    runtime = _pins("requirements.txt")
    missing = set()
    for package in runtime:
        try:
            needs = distribution(package).requires or []
        except PackageNotFoundError:
            continue  # not installed here (another platform's package)
        for text in needs:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                if re.sub(r"[-_.]+", "-", needed.name).lower() not in runtime:
                    missing.add(f"{package} needs {needed.name}")
    assert not missing, sorted(missing)


def _compose_client() -> list[str] | None:
    if shutil.which("docker") is None:
        return None
    probe = subprocess.run(["docker", "compose", "version"], check=False, capture_output=True, text=True)
    return ["docker", "compose"] if probe.returncode == 0 else None


def test_docker_compose_config_accepts_the_file() -> None:
    client = _compose_client()
    if client is None:
        pytest.skip("no `docker compose` client here: the file is checked by the tests above")
    done = subprocess.run(
        [*client, "--file", str(ROOT / "compose.yaml"), "config", "--quiet"],
        check=False,
        env={**os.environ, **SECRETS},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def _procfile(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_make_serve_runs_gunicorn_one_worker_and_exactly_one_beat() -> None:
    processes = _procfile("Procfile.production")
    assert "gunicorn --config config/gunicorn.conf.py config.wsgi" in processes["web"]
    assert [name for name, command in processes.items() if re.search(r"\bcelery\b.*\bbeat\b", command)] == ["beat"]
    assert "celery -A config worker" in processes["worker"]
    assert "runserver" not in " ".join(processes.values())


def test_make_runs_factory_follows_the_chosen_port_and_is_restarted() -> None:
    factory = _procfile("Procfile")["factory"]
    assert "--port ${FACTORY_PORT" in factory and "9000 --" not in factory
    assert factory.startswith("while true; do") and "restarting it" in factory
