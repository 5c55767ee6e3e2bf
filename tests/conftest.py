from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.db import connection, transaction
from django.template.backends import jinja2
from django.test.signals import template_rendered
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Tag
from pagecache import caching, outbox, stamps
from tests.signing_in import StaffClient


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Probe the database's features once, up front: SQLite's JSON probe is a query,
    and it would land in whichever test's query count first needs it."""
    with django_db_blocker.unblock():
        connection.features.supports_json_field  # noqa: B018 (a cached probe)


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_report_their_context():
    """The test client's `response.context` and `response.templates` come from the
    template_rendered signal, which Django's test setup sends for its own engine only.
    Send it for the reader's Jinja2 templates too, as that setup does, with the
    context the template was handed."""
    real_render = jinja2.Template.render

    def render_and_report(self, context=None, request=None):
        context = {} if context is None else context
        content = real_render(self, context, request)
        template_rendered.send(sender=self, template=self.template, context=context)
        return content

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.Template, "render", render_and_report)
        yield


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Manifest storage needs collectstatic; tests use the plain backend."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def temporary_media_root(settings, tmp_path):
    """Uploads and renditions go to a throw-away directory, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache(settings, monkeypatch):
    """An empty cache for each test (rolled-back rows send no signals), and no page cache.

    Views are tested, and their queries pinned, without the page cache in front;
    tests/pagecache/test_caching.py turns it on and tests it, including what a miss costs.
    """
    settings.PAGE_CACHE_TIMEOUT = 0
    settings.PURGE_REPEAT_AFTER = 0  # no timer threads; test_purges.py tests the repeat
    cache.clear()
    monkeypatch.setattr(outbox, "backlog", outbox.Backlog())  # no look at the outbox yet


@pytest.fixture(autouse=True)
def purges_sent_on_block_commit(monkeypatch):
    """Django's TestCase runs each test in a transaction that never commits, so the
    purges (sent when a transaction commits, pagecache.outbox) would never run.
    Run them when the last atomic block the code itself opened closes without a
    rollback: where a real transaction commits. Other on_commit callbacks keep
    Django's test behaviour."""
    real_exit = transaction.Atomic.__exit__

    def exit_and_purge(self, exc_type, exc_value, traceback):
        result = real_exit(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        if conn.atomic_blocks and all(block._from_testcase for block in conn.atomic_blocks):
            due = [c for c in conn.run_on_commit if getattr(c[1], "sends_purges", False)]
            conn.run_on_commit = [c for c in conn.run_on_commit if c not in due]
            for _, func, _ in due:
                func()
        return result

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_purge)


@pytest.fixture
def make_tag(db):
    def make(name, **overrides):
        tag, _ = Tag.objects.get_or_create(
            slug=overrides.pop("slug", slugify(name)), defaults={"name": name, **overrides}
        )
        return tag

    return make


@pytest.fixture
def make_article(db, make_tag):
    """Create an article; by default published an hour ago, in creation order."""
    numbers = count(1)
    base = timezone.now() - timedelta(days=30)

    def make(tags=(), **overrides):
        n = next(numbers)
        fields = {
            "headline": f"Test story number {n}",
            "body": f"<p>Body of story {n}. It has a second sentence.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at": base + timedelta(minutes=n),
            **overrides,
        }
        article = Article.objects.create(**fields)
        if tags:
            article.tags.set([make_tag(t) if isinstance(t, str) else t for t in tags])
        return article

    return make


@pytest.fixture
def client():
    """The test client, whose force_login() passes the second factor too (tests/signing_in.py)."""
    return StaffClient()


@pytest.fixture
def admin_client(db, admin_user):
    """A superuser's client, signed in with both factors."""
    client = StaffClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def make_user(db):
    """A staff member in one of the newsroom's roles ("Authors", "Editors"), or none."""

    def make(username, role=None, **fields):
        from django.contrib.auth.models import Group, User

        # No password: tests log in with force_login, and hashing one is slow.
        user = User.objects.create_user(username, is_staff=True, **fields)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def roles(db):
    """The Authors and Editors groups with their permissions, as `migrate` leaves them."""
    from editorial.roles import setup_roles

    setup_roles()


@pytest.fixture
def author(make_user):
    return make_user("ann", "Authors")


@pytest.fixture
def editor(make_user):
    return make_user("eve", "Editors")


@pytest.fixture
def hidden(make_article):
    """A draft and a scheduled article, both tagged politics, which no public page may show."""
    return [
        make_article(headline="Secret draft plan", status=Article.Status.DRAFT, tags=["politics"]),
        make_article(
            headline="Embargoed budget story",
            published_at=timezone.now() + timedelta(days=1),
            tags=["politics"],
        ),
    ]


class Clock:
    """The wall clock plus an offset, for Django, the cache backend and the page cache
    (the live server's thread reads the same patched modules)."""

    def __init__(self, real):
        self.real = real
        self.offset = 0.0

    def time(self):
        return self.real.time() + self.offset

    def time_ns(self):
        return int(self.time() * 1e9)

    def monotonic(self):
        return self.real.monotonic() + self.offset

    def now(self):
        return datetime.fromtimestamp(self.time(), tz=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Time that a test moves on by raising `clock.offset` (seconds)."""
    import time

    clock = Clock(time)
    for module in (locmem, cache_base, caching, stamps):
        monkeypatch.setattr(module, "time", clock)
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock
