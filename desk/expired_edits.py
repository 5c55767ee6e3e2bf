"""An article edit posted after the editor's session expired is kept, not lost.

Such a POST (to the article add or change form, once the CSRF check has passed)
is put aside in the visitor's session, and they are sent to log in. Django's
login keeps the session's data, so when they come back to the same form it is
offered back to them: the form shows their text with a note that it is not
saved yet (desk/admin.py), and the version check still applies.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.urls import reverse

SESSION_KEY = "desk_expired_edits"
ARTICLE_FORMS = {"articles_article_change", "articles_article_add"}
SKIPPED = {"csrfmiddlewaretoken"}


class KeepExpiredEditsMiddleware:
    """After CsrfViewMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or match is None
            or match.url_name not in ARTICLE_FORMS
        ):
            return None
        kept = request.session.get(SESSION_KEY, {})
        data = {key: request.POST.getlist(key) for key in request.POST if key not in SKIPPED}
        kept[request.path] = data
        request.session[SESSION_KEY] = kept
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))


def take(request) -> QueryDict | None:
    """The edit kept for this address, once, as POST data; None when there is none."""
    kept = request.session.get(SESSION_KEY)
    if not kept or request.path not in kept:
        return None
    data = kept.pop(request.path)
    request.session[SESSION_KEY] = kept
    posted = QueryDict(mutable=True)
    for key, values in data.items():
        posted.setlist(key, values)
    return posted
