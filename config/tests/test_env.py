"""Settings from the environment fail loudly and name the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list


def test_booleans_accept_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected


def test_a_bad_boolean_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False)


def test_a_bad_integer_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT='eighty' is not an integer"):
        env_int("PORT", 8000)


def test_numbers_take_a_decimal_point_and_a_bad_one_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_float("CACHE_READ_TIMEOUT", 0.5) == 0.5
    monkeypatch.setenv("CACHE_READ_TIMEOUT", "1.25")
    assert env_float("CACHE_READ_TIMEOUT", 0.5) == 1.25
    for bad in ("half", "nan", "inf"):
        monkeypatch.setenv("CACHE_READ_TIMEOUT", bad)
        with pytest.raises(ImproperlyConfigured, match=f"CACHE_READ_TIMEOUT='{bad}' is not a"):
            env_float("CACHE_READ_TIMEOUT", 0.5)


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " shop.example , ,admin.example")
    assert env_list("ALLOWED_HOSTS", []) == ["shop.example", "admin.example"]
    monkeypatch.delenv("ALLOWED_HOSTS")
    assert env_list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_secret_key_is_required_without_debug(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    env["DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").read_text().strip()
