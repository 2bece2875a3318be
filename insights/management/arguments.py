"""Argument types the Insights commands share: a bad value is an argparse error naming it, never a traceback."""

from __future__ import annotations

import argparse
import datetime


def day(value: str) -> datetime.date:
    """Read a date written YYYY-MM-DD."""
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


def positive(value: str) -> int:
    """Read a whole number of 1 or more."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return number
