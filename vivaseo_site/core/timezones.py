"""Time zones by name, for names that come from a user's settings (they may be stale or empty)."""

import zoneinfo


def zone_named(name: str | None, *, default: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``; the zone called ``default`` (None when ``default`` is None)
    when ``name`` is empty or not a zone this machine knows."""
    for candidate in (name, default):
        if not candidate:
            continue
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return None
