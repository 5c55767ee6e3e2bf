"""Every move an editor can ask for, checked by one function (the desk's forms ask
before saving, so a refusal is a form error; each move asks again when it runs).

Which moves exist, from which state, is the table in editorial.moves; the moves
themselves live by their subject: publishing (publish, schedule, unpublish, a
change to a live story), review (submit, send back), pending (a prepared change
to a live story) and trash.
"""

from editorial.pending import check_pending
from editorial.publishing import check_transition
from editorial.review import check_review

REVIEW_MOVES = ("submit", "send_back")
PENDING_MOVES = ("save_pending", "publish_pending", "discard_pending")


def check(article, name: str, by, *, body=None, at=None, kind=None, note="") -> None:
    """Raise PermissionDenied or ValidationError if `by` may not make move `name`
    ("publish", "schedule", "unpublish", "save", a review or a pending-change move)."""
    if name in REVIEW_MOVES:
        return check_review(article, name, by, body=body, note=note)
    if name in PENDING_MOVES:
        return check_pending(article, name, by, body=body, kind=kind, note=note)
    return check_transition(article, name, by, body=body, at=at, kind=kind, note=note)
