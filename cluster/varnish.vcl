vcl 4.1;
# Varnish 7 with vmod xkey in front of the app servers (README, Caching).
# cluster/services.py fills in the @PORTS@; production copies this file and sets
# its own backend and purge ACL.

import std;
import xkey;

backend app {
    .host = "127.0.0.1";
    .port = "@BACKEND_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
}

# Only the app servers may purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # `xkey-purge: article:42 tag:7 ...` drops every object filed under any key.
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Never cached: the admin, previews and the health check keep their cookies.
    if (req.url ~ "^/(admin|preview)/" || req.url ~ "^/healthz") {
        return (pass);
    }
    # Public pages are the same for everyone: no cookie reaches the app or skips
    # the cache (pagecache.caching drops them too).
    unset req.http.Cookie;
    unset req.http.Authorization;
    # The content API reads parameters of its own (cursors, filters, `since`): kept
    # whole, only sorted. It answers any other parameter with a 400, never stored,
    # so no stream of them can fill the cache.
    if (req.url ~ "^/api/") {
        set req.url = std.querysort(req.url);
        return (hash);
    }
    # Only the parameters the views read (pagecache.caching.QUERY_PARAMETERS) stay:
    # `?utm_x=N` can neither fill the cache with copies nor bypass it.
    set req.url = regsuball(req.url, "([?&])(?!(page|q|p)=)[^&#]*", "\1");
    set req.url = regsuball(req.url, "&{2,}", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_backend_response {
    # Stored only when the app says what the page depends on (its surrogate keys,
    # `xkey`) and for how long (`s-maxage`, already capped at the next scheduled
    # publication): errors, redirects and private pages pass.
    if (beresp.status != 200 || !beresp.http.xkey || beresp.http.Set-Cookie
            || beresp.http.Cache-Control !~ "s-maxage") {
        if (bereq.url ~ "^/(static|media)/" && beresp.status == 200) {
            return (deliver);  # files: by their own Cache-Control, no purge needed
        }
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Never stale: no grace, no keep. An expired page is fetched again, never served.
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    # The keys are for this cache; browsers need not see them.
    unset resp.http.xkey;
}
