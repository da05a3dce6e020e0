"""Known values of a filter, closest first: an unknown value is an error that suggests."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest_first(value: str, known: Iterable[str]) -> list[str]:
    """``known`` ordered by similarity to ``value`` (case-insensitive), ties in given order."""
    items = list(dict.fromkeys(known))
    v = value.lower()

    def score(k: str) -> float:
        return difflib.SequenceMatcher(None, v, k.lower()).ratio()

    return sorted(items, key=score, reverse=True)


def unknown_message(what: str, value: str, known: Iterable[str]) -> str:
    """``unknown type 'export-control'; did you mean export_control? known: ...``."""
    items = list(known)
    close = set(difflib.get_close_matches(value.lower(), [k.lower() for k in items], n=3))
    ordered = closest_first(value, items)
    near = [k for k in ordered if k.lower() in close]
    hint = f"; did you mean {' or '.join(near)}?" if near else ";"
    listed = ", ".join(ordered) or "none"
    return f"unknown {what} {value!r}{hint} known: {listed}"


def choose(
    value: str, known: Iterable[str], what: str, aliases: dict[str, str] | None = None
) -> str:
    """``value`` as one of ``known`` (exact, else case-insensitive, else through ``aliases``
    keyed in lower case); a ValueError naming the known values, closest first."""
    items = list(known)
    if value in items:
        return value
    lower = {k.lower(): k for k in items}
    found = lower.get(value.lower()) or (aliases or {}).get(value.lower())
    if found:
        return found
    raise ValueError(unknown_message(what, value, items))


def with_known(message: str, value: str, known: Iterable[str], limit: int = 10) -> str:
    """``message`` followed by up to ``limit`` known values, closest to ``value`` first."""
    items = closest_first(value, known)
    more = f" ... ({len(items) - limit} more)" if len(items) > limit else ""
    return f"{message}; known: {', '.join(items[:limit]) or 'none'}{more}"
