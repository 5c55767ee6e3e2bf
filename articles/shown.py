"""What the page being rendered shows: the articles, tags and authors it loaded,
and the lists it declares, as the page cache's *topics* (pagecache/invalidation.py
files each cached page under them and says what each topic means).

Recorded here, beside the models, because loading a model is what records it: an
article loaded while a page renders is an article the page shows. The page cache
turns recording on around a render; outside one, recording costs a context-variable
read. (Issue 31 replaces this with keys each view declares.)
"""

import contextvars
from dataclasses import dataclass, field

NEWEST, LIST, THIN, FRONT, SECTIONS, ANY, ALL = (
    "newest", "list", "thin", "front", "sections", "any", "all",
)  # fmt: skip


def article(pk) -> str:
    return f"a:{pk}"


def neighbours(pk) -> str:
    return f"n:{pk}"


def tag(pk) -> str:
    return f"t:{pk}"


def author(pk) -> str:
    return f"au:{pk}"


def author_listing(pk) -> str:
    return f"al:{pk}"


# Recording what a page shows ------------------------------------------------------


@dataclass
class Shown:
    topics: set[str] = field(default_factory=set)
    targeted: bool = False  # the view said which lists it shows; else `any`


_shown: contextvars.ContextVar[Shown | None] = contextvars.ContextVar("page_shows", default=None)


class recording:
    """Collect the topics of the page rendered inside the block."""

    def __enter__(self) -> Shown:
        self.shown = Shown({ALL})
        self.token = _shown.set(self.shown)
        return self.shown

    def __exit__(self, *exc):
        _shown.reset(self.token)
        if not self.shown.targeted:
            self.shown.topics.add(ANY)


def shows(*topics: str) -> None:
    """The page being rendered shows these (a no-op outside the page cache)."""
    if (shown := _shown.get()) is not None:
        shown.topics.update(topics)


def lists(*topics: str) -> None:
    """The page's lists are these: it has targeted rules and does not need `any`."""
    if (shown := _shown.get()) is not None:
        shown.topics.update(topics)
        shown.targeted = True
