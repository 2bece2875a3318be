"""A text field's allowed characters in words, in English and Italian."""

from __future__ import annotations

import pytest
from django.utils import translation

from configurator.charsets import charset_words


@pytest.mark.parametrize(
    ("charset", "english", "italian"),
    [
        ("A-Z.", "letters A–Z and dots", "lettere A–Z e punti"),
        ("A-Za-z .-", "letters A–Z and a–z, spaces, dots and hyphens", "lettere A–Z e a–z, spazi, punti e trattini"),
        ("0-9", "digits 0–9", "cifre 0–9"),
        ("a-z\\d", "small letters a–z and digits 0–9", "lettere minuscole a–z e cifre 0–9"),
        ("A-F#", "the characters A–F and “#”", "i caratteri da A a F e “#”"),
        ("^0-9", "any character except digits 0–9", "qualsiasi carattere tranne cifre 0–9"),
    ],
)
def test_a_charset_is_said_in_words_in_the_shoppers_language(charset: str, english: str, italian: str) -> None:
    with translation.override("en"):
        assert charset_words(charset) == english
    with translation.override("it"):
        assert charset_words(charset) == italian


def test_each_part_is_named_once_and_an_escaped_character_is_itself() -> None:
    with translation.override("en"):
        assert charset_words("A-Z.\\.") == "letters A–Z and dots"
        assert charset_words("\\-") == "hyphens"
        assert charset_words("") == ""
