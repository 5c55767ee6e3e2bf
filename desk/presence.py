"""Who else has an article open at the desk: a soft notice, never a lock.

Opening an article's change form (and the form's heartbeat, desk/static/js/desk-edit.js)
notes the editor in the cache, shared by every app server; the form then says
"<name> has been editing this article since <time>" for each other staff member
seen within the last PRESENCE_SECONDS. Nothing blocks: a conflicting save is
caught by the version check (desk/conflict.py). Saving or leaving
lets the note lapse; a lost cache only loses notices.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

# Long enough to span a heartbeat missed or two; short enough to lapse soon after
# someone closes the tab.
PRESENCE_SECONDS = 150


@dataclass(frozen=True)
class Presence:
    name: str
    since: datetime


def _key(article_id) -> str:
    return f"desk-presence:{article_id}"


def _current(article_id, now: float) -> dict:
    entries = cache.get(_key(article_id)) or {}
    return {uid: e for uid, e in entries.items() if now - e["seen"] < PRESENCE_SECONDS}


def arrive(article_id, user) -> list[Presence]:
    """Note `user` at the article (keeping when they first came) and return the
    others there now, earliest first."""
    now = timezone.now()
    entries = _current(article_id, now.timestamp())
    mine = entries.get(user.pk)
    since = mine["since"] if mine else now.timestamp()
    name = user.get_full_name() or user.get_username()
    entries[user.pk] = {"name": name, "since": since, "seen": now.timestamp()}
    cache.set(_key(article_id), entries, PRESENCE_SECONDS)
    return others(entries, user)


def leave(article_id, user) -> None:
    """Forget `user` at the article (after they saved it)."""
    entries = _current(article_id, timezone.now().timestamp())
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_id), entries, PRESENCE_SECONDS)


def others(entries: dict, user) -> list[Presence]:
    zone = timezone.get_current_timezone()
    found = [
        Presence(e["name"], datetime.fromtimestamp(e["since"], tz=zone))
        for uid, e in entries.items()
        if uid != user.pk
    ]
    return sorted(found, key=lambda presence: presence.since)
