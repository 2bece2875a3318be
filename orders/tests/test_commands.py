"""`factory_endpoint` add, list, disable and token."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from orders.models import FactoryEndpoint, FactoryToken
from orders.tests.conftest import SECRET


def _run(*args: str) -> str:
    out = StringIO()
    call_command("factory_endpoint", *args, stdout=out)
    return out.getvalue()


def test_add_list_disable(db: None) -> None:
    _run("add", "--name", "plant-1", "--url", "https://factory.example.com/hooks", "--secret", SECRET)
    with pytest.raises(CommandError, match="--update"):
        _run("add", "--name", "plant-1", "--url", "https://factory.example.com/hooks", "--secret", SECRET)
    _run("add", "--name", "plant-1", "--url", "http://127.0.0.1:9000/", "--secret", SECRET, "--internal", "--update")
    endpoint = FactoryEndpoint.objects.get(name="plant-1")
    assert endpoint.internal and endpoint.url == "http://127.0.0.1:9000/"
    assert "plant-1\thttp://127.0.0.1:9000/\tactive, internal" in _run("list")
    _run("disable", "plant-1")
    assert not FactoryEndpoint.objects.get(name="plant-1").active
    with pytest.raises(CommandError, match="no endpoint"):
        _run("disable", "nowhere")


def test_bad_input_names_the_option(db: None) -> None:
    with pytest.raises(CommandError, match="--secret"):
        _run("add", "--name", "p", "--url", "https://f.example.com/", "--secret", "not-a-secret")
    with pytest.raises(CommandError, match="--url"):
        _run("add", "--name", "p", "--url", "not a url", "--secret", SECRET)
    with pytest.raises(CommandError, match=r"--url: .*internal"):
        _run("add", "--name", "p", "--url", "http://192.168.1.20/hooks", "--secret", SECRET)


def test_token_is_written_and_replaces_older_ones(db: None, tmp_path: Path) -> None:
    _run("add", "--name", "sim", "--url", "http://127.0.0.1:9000/", "--secret", SECRET, "--internal")
    first = _run("token", "sim").strip()
    assert first.startswith("fct_")
    _run("token", "sim", "--replace", "--output", str(tmp_path / "token"))
    assert (tmp_path / "token").read_text().startswith("fct_")
    assert FactoryToken.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--secret"),
        (["--secret", "nope"], "--secret"),
        (["--secret", SECRET, "--fail-rate", "2"], "--fail-rate"),
        (["--secret-file", "/nonexistent/secret"], "--secret-file"),
    ],
)
def test_simulator_refuses_bad_options(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("factory_simulator", *args)
