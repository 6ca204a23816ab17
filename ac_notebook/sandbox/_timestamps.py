"""Timestamps in the API's format: ISO 8601 in US Central time, whole seconds.

The API returns every timestamp as server-local ``America/Chicago`` time with a
numeric offset, such as ``"2019-01-01T10:23:22-06:00"`` in winter and
``-05:00`` in summer, and converts timestamps that clients send into that zone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

__all__ = ["SERVER_ZONE", "format_timestamp", "now", "now_text", "parse_timestamp"]

#: Time zone of every timestamp the sandbox returns.
SERVER_ZONE = ZoneInfo("America/Chicago")


def now() -> datetime:
    """Return the current server time in ``SERVER_ZONE``, without a fraction."""
    return datetime.now(SERVER_ZONE).replace(microsecond=0)


def now_text() -> str:
    """Return the current server time formatted like the API."""
    return format_timestamp(now())


def format_timestamp(moment: datetime) -> str:
    """Format ``moment`` in ``SERVER_ZONE`` like ``2019-01-01T10:23:22-06:00``.

    A naive ``moment`` is taken to be server time already. Server wall times
    are resolved by ``zoneinfo``'s ``fold`` rules: one skipped by the spring
    change, such as ``02:30`` on 2019-03-10, takes the offset from before the
    change and comes out an hour later (``03:30-05:00``), and a repeated one
    takes its first occurrence unless ``fold=1``.

    Raises:
        OverflowError: The moment in UTC or server time is outside the years
            1 to 9999.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SERVER_ZONE)
    # astimezone() returns a moment already in SERVER_ZONE unchanged, skipped
    # wall time included, so the conversion goes through UTC.
    instant = moment.astimezone(timezone.utc)
    return instant.astimezone(SERVER_ZONE).isoformat(timespec="seconds")


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time sent by a client.

    Accepts a trailing ``Z`` and dates without a time (midnight). Text without
    an offset is taken to be server time. Python 3.10's ``fromisoformat`` does
    not accept ``Z``, so it is replaced by ``+00:00`` first.

    Raises:
        ValueError: ``text`` is not an ISO 8601 date or date-time.
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"

    parsed = datetime.fromisoformat(cleaned)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SERVER_ZONE)
    return parsed
