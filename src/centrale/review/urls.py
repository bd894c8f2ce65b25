"""Canonical URLs: the exact key that tells two links to the same article apart from others.

The canonical form is a key, never shown: the link the reader follows is the one the source
gave. Scheme and host are folded (http/https, `www.`), default ports, fragments, trailing
slashes and tracking parameters dropped, and the remaining query sorted.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "at_", "oly_", "mc_", "pk_", "hsa_", "_hs")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "xtor",
        "xtref",
        "ref",
        "ref_src",
        "cmpid",
        "spm",
        "wt_mc",
        "s_cid",
        "ncid",
        "ito",
        "guccounter",
        "smid",
        "mkt_tok",
        "vero_id",
        "__twitter_impression",
    }
)


def is_tracking(name: str) -> bool:
    """True for a query parameter that only tracks the reader.

    >>> is_tracking("utm_source"), is_tracking("id")
    (True, False)
    """
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical key of a link.

    >>> canonical_url("http://www.Example.ma:80/eco/article/?utm_source=rss&id=7&a=1#top")
    'https://example.ma/eco/article?a=1&id=7'
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    scheme = parts.scheme.lower()
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        host = f"{host}:{port}"
    path = "/".join(segment for segment in parts.path.split("/") if segment)
    path = "/" + path if path else ""
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(key)
    )
    # http and https copies of one article are one article.
    canonical_scheme = "https" if scheme in ("http", "https") else scheme
    return urlunsplit((canonical_scheme, host, path, urlencode(query), ""))


def without_tracking(url: str) -> str:
    """The link to show and follow: as given, less its tracking parameters.

    >>> without_tracking("https://lematin.ma/a?id=3&utm_medium=rss")
    'https://lematin.ma/a?id=3'
    """
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(key)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))
