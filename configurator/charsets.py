"""A text field's allowed characters, said in words in the shopper's language.

The catalog writes a text's character set as the body of a regular-expression class
(`A-Z.`), which reads wrong to a shopper: "Allowed: A-Z.." ends in what looks like a
full stop twice. `charset_words` names each part instead: "letters A–Z and dots".
"""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

#: One part of a character set: a range ("A", "Z"), a single character (".", "."), or a class ("\\d", "").
Part = tuple[str, str]
#: Capitals and small letters together, named once.
_BOTH_CASES: Part = ("A-Z", "a-z")


def _parts(charset: str) -> list[Part]:
    """Split a class body into its ranges, characters and backslash classes, in order."""
    parts: list[Part] = []
    index = 0
    while index < len(charset):
        character = charset[index]
        if character == "\\" and index + 1 < len(charset):
            escaped = charset[index + 1]
            parts.append(("\\" + escaped, "") if escaped in "dsw" else (escaped, escaped))
            index += 2
        elif index + 2 < len(charset) and charset[index + 1] == "-":
            parts.append((character, charset[index + 2]))
            index += 3
        else:
            parts.append((character, character))
            index += 1
    return parts


def _single(character: str) -> str:
    """Name one allowed character, in the plural the sentence needs ("dots")."""
    names = {
        ".": _("dots"),
        " ": _("spaces"),
        "-": _("hyphens"),
        "'": _("apostrophes"),
        ",": _("commas"),
        "&": _("ampersands"),
        "/": _("slashes"),
        "_": _("underscores"),
    }
    return names.get(character) or f"“{character}”"


def _range(first: str, last: str) -> str:
    """Name a range of characters ("digits 0–9")."""
    if (first, last) == ("A", "Z"):
        return _("letters A–Z")
    if (first, last) == ("a", "z"):
        return _("small letters a–z")
    if (first, last) == ("0", "9"):
        return _("digits 0–9")
    return _("the characters %(first)s–%(last)s") % {"first": first, "last": last}


def _part_words(part: Part) -> str:
    first, last = part
    if first == "\\d":
        return _range("0", "9")
    if first == "\\s":
        return _("spaces")
    if first == "\\w":
        return _("letters, digits and underscores")
    return _single(first) if first == last else _range(first, last)


def charset_words(charset: str) -> str:
    """Return the characters `charset` allows, in words: "A-Z." gives "letters A–Z and dots".

    Capitals and small letters together read "letters A–Z and a–z". A set that starts with
    "^" allows everything but its parts ("any character except digits 0–9"); "" allows
    anything and gives "".
    """
    negated = charset.startswith("^")
    parts = _parts(charset[1:] if negated else charset)
    if ("A", "Z") in parts and ("a", "z") in parts:
        parts.remove(("a", "z"))
        parts[parts.index(("A", "Z"))] = _BOTH_CASES
    words: list[str] = []
    for part in parts:
        described = _("letters A–Z and a–z") if part == _BOTH_CASES else _part_words(part)
        if described not in words:
            words.append(described)
    listed = str(get_text_list(words, _("and")))
    if negated:
        return _("any character except %(characters)s") % {"characters": listed}
    return listed
