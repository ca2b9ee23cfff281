"""How a plan's history reads: "editor2 moved “Dunning e-mails” to Technical debt a
moment ago". The undo stack names a change as an order ("Move “X” to …"); the history
tells it as what happened."""

from __future__ import annotations

from datetime import UTC, datetime

_PAST = {
    "add": "added",
    "baseline": "baselined",
    "change": "changed",
    "close": "closed",
    "delete": "deleted",
    "edit": "edited",
    "import": "imported",
    "move": "moved",
    "plan": "planned",
    "put": "put",
    "re-open": "re-opened",
    "reorder": "reordered",
}


def past_tense(order: str) -> str:
    """ "Move “X” to Technical debt" → "moved “X” to Technical debt"."""
    verb, _, rest = order.partition(" ")
    done = _PAST.get(verb.lower(), verb[:1].lower() + verb[1:])
    return f"{done} {rest}".strip()


def undone(what: str) -> str:
    """The history line of an undo: what it took back."""
    return f"took back: {what}"


def when(at: str, now: datetime | None = None) -> str:
    """ "a moment ago", "5 minutes ago", "at 14:05", "on 3 Dec" (local time)."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "a moment ago"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return f"at {local:%H:%M}"
    return (
        f"on {local.day} {local:%b %Y}" if local.year != now.year else f"on {local.day} {local:%b}"
    )


def conflict_line(who: str, what: str, at: str, now: datetime | None = None) -> str:
    """The one line a refused change gets: who changed what, when, and that yours waits."""
    return f"{who} {what} {when(at, now)}; your change was not applied."
