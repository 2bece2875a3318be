"""Signing secrets are encrypted at rest, keys rotate, and a bad key fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from orders import services
from orders.models import FactoryEndpoint
from orders.tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]


def _stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM orders_factoryendpoint WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_secret_is_stored_encrypted_and_read_back_in_clear(endpoint: FactoryEndpoint) -> None:
    stored = _stored(endpoint.pk)
    assert SECRET not in stored and SECRET.removeprefix("whsec_") not in stored
    assert FactoryEndpoint.objects.get(pk=endpoint.pk).secret == SECRET


def test_keys_rotate_with_the_new_key_first(endpoint: FactoryEndpoint, settings: pytest.FixtureRequest) -> None:
    old = settings.FIELD_ENCRYPTION_KEYS[0]  # type: ignore[attr-defined]
    new = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert FactoryEndpoint.objects.get().secret == SECRET  # the old key still decrypts
        call_command("factory_endpoint", "reencrypt", stdout=StringIO())
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert FactoryEndpoint.objects.get().secret == SECRET  # re-encrypted: the old key may go
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]), pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION"):
        FactoryEndpoint.objects.get()


def _settings_run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"FIELD_ENCRYPTION_KEY", "DEBUG"}}
    base.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 50, **env)
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], env=base, cwd=ROOT, capture_output=True, text=True, check=False)


def test_a_bad_or_missing_key_names_the_variable(tmp_path: Path) -> None:
    missing = _settings_run(tmp_path, DEBUG="0")
    assert missing.returncode != 0 and "FIELD_ENCRYPTION_KEY must be set" in missing.stderr
    bad = _settings_run(tmp_path, DEBUG="0", FIELD_ENCRYPTION_KEY=f"{Fernet.generate_key().decode()},not-a-key")
    assert bad.returncode != 0 and "FIELD_ENCRYPTION_KEY: key 2 is not a Fernet key" in bad.stderr
    development = _settings_run(tmp_path, DEBUG="1")
    assert development.returncode == 0, development.stderr
    Fernet((tmp_path / "field_encryption_key").read_text().strip())  # a generated development key


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0004_trust_routes_audit_permissions")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_factoryendpoint (name, url, secret, active, internal, created_at) "
            "VALUES ('old', 'https://f.example.com/', %s, 1, 0, '2026-01-01 00:00:00')",
            [SECRET],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    endpoint = FactoryEndpoint.objects.get(name="old")
    assert endpoint.secret == SECRET and SECRET not in _stored(endpoint.pk)
    services.endpoint_disable(name="old")
