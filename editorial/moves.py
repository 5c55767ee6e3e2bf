"""The allowed moves between an article's states, in one table.

A move not in the table is refused whoever asks: nothing is published,
scheduled or edited from the trash, and the only way out of the trash is a
restore, which always gives a draft. Each move's check (in editorial.publishing,
.review, .pending, .trash and .imports) asks its own rules first (who may, a
body, a time in the future), so their more precise refusals come first, then
`require()`: the table has the last word.

States as the desk speaks of them; "unpublished" is a draft that was public once.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

DRAFT, IN_REVIEW, SCHEDULED, PUBLISHED, TRASHED = (
    "draft",
    "in review",
    "scheduled",
    "published",
    "in the trash",
)
OUT_OF_THE_TRASH = (DRAFT, IN_REVIEW, SCHEDULED, PUBLISHED)


def _stays(*states):
    return {state: state for state in states}


# move: {from: to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "save": _stays(*OUT_OF_THE_TRASH),
    "submit": {DRAFT: IN_REVIEW},
    "send_back": {IN_REVIEW: DRAFT},
    "publish": dict.fromkeys(OUT_OF_THE_TRASH, PUBLISHED),
    "schedule": dict.fromkeys(OUT_OF_THE_TRASH, SCHEDULED),
    "unpublish": dict.fromkeys(OUT_OF_THE_TRASH, DRAFT),  # a draft already: nothing to do
    "save_pending": {PUBLISHED: PUBLISHED},
    "publish_pending": {PUBLISHED: PUBLISHED},
    "discard_pending": _stays(*OUT_OF_THE_TRASH),
    "trash": dict.fromkeys(OUT_OF_THE_TRASH, TRASHED),
    "restore": {TRASHED: DRAFT},
    # An import changes an existing article's content, never its state (unless the
    # operator passes --update-status); a record whose article is in the trash is skipped.
    "import_update": _stays(*OUT_OF_THE_TRASH),
}

LABELS = {
    "save": "Saving",
    "submit": "Submitting for review",
    "send_back": "Sending back",
    "publish": "Publishing",
    "schedule": "Scheduling",
    "unpublish": "Unpublishing",
    "save_pending": "A pending change",
    "publish_pending": "Publishing a pending change",
    "discard_pending": "Discarding a pending change",
    "trash": "Moving to the trash",
    "restore": "Restoring",
    "import_update": "An import",
}
# How a refusal names the state: "the story is a draft", "… is in the trash".
AS_SAID = {
    DRAFT: "a draft",
    IN_REVIEW: IN_REVIEW,
    SCHEDULED: SCHEDULED,
    PUBLISHED: PUBLISHED,
    TRASHED: TRASHED,
}


def state_of(article) -> str:
    """The article's state, as the table names it."""
    if article.trashed_at is not None:
        return TRASHED
    if article.status == article.Status.IN_REVIEW:
        return IN_REVIEW
    if article.status == article.Status.DRAFT:
        return DRAFT
    return SCHEDULED if article.is_scheduled() else PUBLISHED


def allowed(article, name: str) -> bool:
    return state_of(article) in TRANSITIONS[name]


def require(article, name: str) -> str:
    """The state move `name` leads to from the article's; ValidationError if the
    table has no such move."""
    state = state_of(article)
    try:
        return TRANSITIONS[name][state]
    except KeyError:
        hint = " Restore it first: it comes back as a draft." if state == TRASHED else ""
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{LABELS[name]} is not possible: the story is {AS_SAID[state]}."
                + hint
            },
            code="not_allowed",
        ) from None
