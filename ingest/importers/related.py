"""An article's own rows in other tables, in the schema: its corrections and old addresses.

Export writes them as lists: `corrections` (each `kind`, `note`, `published_at` and
`created_by`, a username), `redirects` (the old slugs that answer with a 301 to
the article) and `old_addresses` (its addresses on the site it was imported from,
as paths: `/2007/04/11/post-name/`, `/?p=123`; see articles.models.redirect.OldAddress).
Import adds what a record lists and the article lacks, and never removes anything:
a correction is history, and an old address stays an address. A record without
the key leaves the article's rows as they are. Parsers of other sites' exports
fill `old_addresses` too (WordPress, Ghost, feeds).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.addresses import ADDRESS_MAX_LENGTH, address_key
from articles.models import ArticleRedirect, OldAddress
from articles.models.correction import Correction

KINDS = {kind.value for kind in Correction.Kind}
NOTE_FIELDS = ("kind", "note", "published_at", "created_by")

# A correction as compared: (kind, note, published_at); who made it is not its identity.
Key = tuple[str, str, datetime]


def exported_corrections(article) -> list[dict]:
    """The article's corrections, oldest first (prefetched with created_by's username)."""
    return [
        {
            "kind": note.kind,
            "note": note.note,
            "published_at": note.published_at.isoformat(),
            "created_by": note.created_by.get_username() if note.created_by else "",
        }
        for note in sorted(article.corrections.all(), key=lambda n: (n.published_at, n.pk))
    ]


def exported_redirects(article) -> list[str]:
    return sorted(redirect.old_slug for redirect in article.redirects.all())


def exported_old_addresses(article) -> list[str]:
    return sorted(old.address for old in article.old_addresses.all())


def parse_corrections(value: Any, parse_datetime) -> list[dict] | str:
    """The record's corrections, or the reason they cannot be read."""
    if not isinstance(value, list) or not all(isinstance(note, dict) for note in value):
        return "must be a list of objects"
    notes = []
    for note in value:
        if set(note) - set(NOTE_FIELDS):
            return f"unknown key(s): {', '.join(sorted(set(note) - set(NOTE_FIELDS)))}"
        if note.get("kind") not in KINDS:
            return f"kind must be one of {', '.join(sorted(KINDS))}"
        if not isinstance(note.get("note"), str) or not note["note"].strip():
            return "each needs a note"
        if not isinstance(note.get("created_by") or "", str):
            return "created_by must be a username"
        try:
            published_at = parse_datetime(note["published_at"])
        except (KeyError, TypeError, ValueError):
            return "each needs published_at in ISO 8601"
        notes.append({**note, "published_at": published_at, "created_by": note.get("created_by")})
    return notes


def parse_redirects(value: Any) -> list[str] | str:
    if not isinstance(value, list) or not all(isinstance(slug, str) and slug for slug in value):
        return "must be a list of slugs"
    return value


def parse_old_addresses(value: Any) -> list[str] | str:
    """Paths on the old site (`/2007/04/11/post-name/`, `/?p=123`) as address keys."""
    if not isinstance(value, list) or not all(
        isinstance(path, str) and path.startswith("/") for path in value
    ):
        return "must be a list of paths starting with /"
    keys = []
    for path in value:
        path, _, query = path.partition("?p=")
        key = address_key(path, query)
        if (query and not query.isdigit()) or len(key) > ADDRESS_MAX_LENGTH:
            return f"not an address this site can answer: {path}"
        keys.append(key)
    return keys


def own_address(article) -> str:
    """The address an article has here: an old address equal to it needs no row."""
    return address_key(article.slug)


class StoredRows:
    """What the batch's existing articles already hold, for the records that list any."""

    def __init__(self, items, currents):
        wanted = [
            current.pk
            for item, current in zip(items, currents, strict=True)
            if current and (item.corrections or item.redirects or item.old_addresses)
        ]
        self.corrections: dict[int, set[Key]] = defaultdict(set)
        self.redirects: dict[int, set[str]] = defaultdict(set)
        self.old_addresses: dict[int, set[str]] = defaultdict(set)
        if not wanted:
            return
        for pk, kind, note, at in Correction.objects.filter(article_id__in=wanted).values_list(
            "article_id", "kind", "note", "published_at"
        ):
            self.corrections[pk].add((kind, note, at))
        for pk, slug in ArticleRedirect.objects.filter(article_id__in=wanted).values_list(
            "article_id", "old_slug"
        ):
            self.redirects[pk].add(slug)
        for pk, address in OldAddress.objects.filter(article_id__in=wanted).values_list(
            "article_id", "address"
        ):
            self.old_addresses[pk].add(address)

    def missing(self, item, current) -> tuple[list[dict], list[str], list[str]]:
        """The record's corrections, old slugs and old addresses its article (the
        stored `current`, None for a new one) does not have yet."""
        pk = current.pk if current else None
        have = self.corrections.get(pk, set())
        notes = [n for n in item.corrections or () if key(n) not in have]
        slugs = self.redirects.get(pk, set())
        addresses = self.old_addresses.get(pk, set()) | ({own_address(current)} if pk else set())
        return (
            notes,
            [slug for slug in item.redirects or () if slug not in slugs],
            [address for address in item.old_addresses or () if address not in addresses],
        )


def key(note: dict) -> Key:
    return note["kind"], note["note"], aware(note["published_at"], timezone.get_current_timezone())


def add_rows(additions: Iterable[tuple[Any, list[dict], list[str], list[str]]], zone) -> None:
    """Store each (article, corrections, old slugs, old addresses) the batch adds."""
    additions = [entry for entry in additions if any(entry[1:])]
    if not additions:
        return
    names = {n["created_by"] for _, notes, *_ in additions for n in notes if n["created_by"]}
    User = get_user_model()
    users = dict(
        User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names}).values_list(
            User.USERNAME_FIELD, "pk"
        )
    )
    Correction.objects.bulk_create(
        Correction(
            article_id=article.pk,
            kind=note["kind"],
            note=note["note"],
            published_at=aware(note["published_at"], zone),
            created_by_id=users.get(note["created_by"]),
        )
        for article, notes, _, _ in additions
        for note in notes
    )
    # An old slug or address another article holds stays that article's.
    ArticleRedirect.objects.bulk_create(
        [
            ArticleRedirect(old_slug=slug, article_id=article.pk)
            for article, _, slugs, _ in additions
            for slug in slugs
        ],
        ignore_conflicts=True,
    )
    OldAddress.objects.bulk_create(
        [
            OldAddress(address=address, article_id=article.pk)
            for article, _, _, addresses in additions
            for address in addresses
            if address != own_address(article)
        ],
        ignore_conflicts=True,
    )


def aware(value: datetime, zone) -> datetime:
    return timezone.make_aware(value, zone) if timezone.is_naive(value) else value
