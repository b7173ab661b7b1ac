"""The one place that decides what "now" is: SOURCE_DATE_EPOCH when set, so that checks,
scaffolds and documents repeat; else the system clock. Rules never read the clock: they
get a date (``--as-of``) from the command line."""

from __future__ import annotations

import datetime as dt
import os


def source_datetime() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a naive UTC datetime; None when unset.

    Raises ValueError when it is set but is not a whole number of seconds."""
    sde = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not sde:
        return None
    try:
        seconds = int(sde)
    except ValueError:
        raise ValueError(f"SOURCE_DATE_EPOCH={sde!r} is not a number of seconds") from None
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"SOURCE_DATE_EPOCH={sde!r} is out of the range of dates") from None


def today() -> dt.date:
    """The UTC date of SOURCE_DATE_EPOCH when set, else today's date."""
    s = source_datetime()
    return s.date() if s is not None else dt.date.today()
