"""The reader's address, for login throttling.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, which every
client would share. With TRUSTED_PROXY_COUNT=N, the address the outermost of our
N proxies saw is taken from X-Forwarded-For: each proxy appends the address it
received the request from, so the client is N entries from the right. Entries
further left are written by the client and never trusted.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if count and len(addresses) >= count:
        return addresses[-count]
    return request.META.get("REMOTE_ADDR")
