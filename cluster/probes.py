"""One-off fetches straight to a server, outside the drill's readers."""

import http.client
import threading
import time

from cluster import services as s


def fetch(port: int, url: str, timeout: float = 5) -> http.client.HTTPResponse | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.body = response.read()
        return response
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def fetch_header(url: str, header: str) -> str | None:
    response = fetch(s.PUBLIC_PORT, url)
    return response and response.getheader(header)


class Poller(threading.Thread):
    """Fetches one address from one app server until it shows the new story.

    visible_after: seconds from the commit to the start of the last fetch that did
    not show it (0 if none), so a slow answer is not mistaken for a late publish.
    """

    def __init__(self, port: int, url: str, slug: str, committed: float):
        super().__init__(daemon=True)
        self.port, self.url, self.slug, self.committed = port, url, slug, committed
        self.visible_after = 0.0

    def run(self) -> None:
        while time.monotonic() - self.committed < 30:
            started = time.monotonic()
            response = fetch(self.port, self.url)
            if response and response.status == 200 and f"/{self.slug}/" in response.body.decode():
                return
            self.visible_after = started - self.committed
            time.sleep(0.05)
        self.visible_after = float("inf")
