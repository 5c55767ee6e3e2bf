"""The second step of signing in, enforced for every request.

The admin's login form (django-axes in front of it) checks the password and logs
the user in. For someone who must also pass a second factor (accounts.policy),
that session is only half signed in until they do: every request is sent to the
second step, except the second step's own pages (this app's and the passkey
endpoints) and logging out. The second step sends someone with no device yet to
set one up, so a fresh install's first superuser is walked into enrolment rather
than locked out.

Every path, not only the admin's: staff previews and anything else that reads
permissions must not see a half-signed-in user either.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts.policy import must_verify

# Namespaces of the views a half-signed-in session may reach.
SECOND_STEP_APPS = {"accounts", "otp_webauthn"}
SECOND_STEP_VIEWS = {"admin:logout"}


class SecondFactorMiddleware:
    """Place right after django-otp's OTPMiddleware, which marks verified sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, nobody signed in: and the session is left unread, so a
            # reader's response does not vary on cookies on our account.
            return None
        match = request.resolver_match
        if match.app_name in SECOND_STEP_APPS or match.view_name in SECOND_STEP_VIEWS:
            return None  # those views check the session's state themselves
        user = request.user
        if user.is_authenticated and not user.is_verified() and must_verify(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:verify"))
        return None
