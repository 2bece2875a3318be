"""What `make run` and `make serve` print last: where the shop answers and how to sign in."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.announce import announcement


def test_the_addresses_and_the_generated_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    (tmp_path / "admin-password.txt").write_text("admin s3cret-Pw\n")
    text = announcement(port=9000, var_dir=tmp_path, factory_port=41234)
    assert "Shop:   http://127.0.0.1:9000/" in text
    assert "Admin:  http://127.0.0.1:9000/admin/   user admin, password s3cret-Pw" in text
    assert "Simulated factory: http://127.0.0.1:41234/_stats" in text


def test_a_chosen_password_is_not_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "chosen-by-me")
    text = announcement(port=8000, var_dir=tmp_path, factory_port=None)
    assert "chosen-by-me" not in text and "the password in ADMIN_PASSWORD" in text
    assert "factory" not in text
