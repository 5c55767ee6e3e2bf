import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


class PageCacheApplication:
    """Serves stored pages before Django: most hits then cost a dictionary look-up
    and no request object, middleware or view (pagecache.caching.serve_hit). Every
    other request goes to Django, where the page cache middleware runs first."""

    def __init__(self, application):
        from pagecache.caching import serve_hit

        self.application = application
        self.serve_hit = serve_hit

    def __call__(self, environ, start_response):
        if (hit := self.serve_hit(environ)) is None:
            return self.application(environ, start_response)
        status, headers, body = hit
        start_response(status, headers)
        return [body]


application = PageCacheApplication(get_wsgi_application())
