"""E-mail settings from the environment: EMAIL_URL, EMAIL_HOST and companions, or the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_email
from orders.checks import check_email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: Any) -> None:
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_mail_server_e_mails_are_printed() -> None:
    assert env_email() == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_an_email_url_gives_the_smtp_mailer(monkeypatch: Any) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://shop%40example.com:p%40ss@mail.example.com")
    assert env_email() == {
        "BACKEND": SMTP,
        "OPTIONS": {
            "host": "mail.example.com",
            "port": 587,
            "username": "shop@example.com",
            "password": "p@ss",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 20,
        },
    }
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example.com")
    assert env_email()["OPTIONS"]["port"] == 465 and env_email()["OPTIONS"]["use_ssl"]


def test_email_host_and_its_companions_give_the_smtp_mailer(monkeypatch: Any) -> None:
    monkeypatch.setenv("EMAIL_HOST", "mail.example.com")
    monkeypatch.setenv("EMAIL_PORT", "2525")
    options = env_email()["OPTIONS"]
    assert options["host"] == "mail.example.com" and options["port"] == 2525 and options["use_tls"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("EMAIL_URL", "imap://mail.example.com"), ("EMAIL_URL", "smtp://"), ("EMAIL_URL", "smtp://h:port")],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(monkeypatch: Any, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        env_email()


def test_tls_and_ssl_together_are_refused(monkeypatch: Any) -> None:
    monkeypatch.setenv("EMAIL_HOST", "mail.example.com")
    monkeypatch.setenv("EMAIL_USE_SSL", "1")
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS"):
        env_email()


def test_the_deployment_check_warns_when_e_mails_would_only_be_printed(settings: Any) -> None:
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert [w.id for w in check_email_settings()] == ["orders.W003"]
    settings.MAILERS = {"default": {"BACKEND": SMTP, "OPTIONS": {"host": "mail.example.com"}}}
    assert check_email_settings() == []
