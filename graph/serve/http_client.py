"""HTTP requests to a remote SPARQL store: credentials from the environment, a timeout on every
request, and one clear error per failure (unreachable, refused credentials, not found, timeout).

Credentials: STACKMAP_ENDPOINT_TOKEN sends `Authorization: Bearer TOKEN`; otherwise
STACKMAP_ENDPOINT_USER and STACKMAP_ENDPOINT_PASSWORD are sent as HTTP Basic up front. A store that
wants Digest is answered in Digest (RFC 7616, MD5 or SHA-256, qop=auth): when it challenges, and
also when it refuses the up-front Basic with a 401 that carries no challenge (Virtuoso 7.2's
`/sparql-graph-crud-auth` does): the request is then sent once more without credentials to learn
the challenge. The challenge is remembered per origin and user, so the next requests go in Digest
at once (a new nonce count each); a stale nonce is answered once more with the new one.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TIMEOUT = 60.0
RETRIES = 4  # more tries of an idempotent request that a store failed with 500, 502, 503 or 504
USER_VAR, PASSWORD_VAR, TOKEN_VAR = "STACKMAP_ENDPOINT_USER", "STACKMAP_ENDPOINT_PASSWORD", "STACKMAP_ENDPOINT_TOKEN"
_USER_AGENT = "stackmap"


class RemoteError(Exception):
    """A request to a remote store that failed, with a message for the user."""


@dataclass(frozen=True)
class Response:
    """The status, content type and body of an answered request."""

    status: int
    content_type: str
    body: bytes


def check_url(url: str) -> str:
    """The URL, or RemoteError when it is not an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"'{url}' is not an http:// or https:// URL")
    return url


def with_params(url: str, params: Mapping[str, str]) -> str:
    """The URL with params added to its query string (keeping the ones it already has)."""
    if not params:
        return url
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but takes credentials only to the origin they were meant for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        return new


def _opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only (no file: or ftp: URLs, even by a redirect); statuses other than
    2xx come back as HTTPError, credentials are set by `request`."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _SameOriginRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


# -- Digest (RFC 7616) --------------------------------------------------------------------------

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_digest_lock = threading.Lock()
_challenges: dict[tuple[str, str], dict[str, str]] = {}  # (origin, user) -> the store's last Digest challenge
_nonce_counts: dict[str, int] = {}  # nonce -> requests sent with it


def _digest_challenge(headers) -> dict[str, str] | None:
    """The parameters of a Digest challenge among the WWW-Authenticate headers (lower-case keys),
    or None when the answer carries no Digest challenge this client can answer."""
    for value in headers.get_all("WWW-Authenticate") or []:
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() != "digest":
            continue
        params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        params = {k.lower(): v for k, v in params.items()}
        algorithm = params.get("algorithm", "MD5").upper().removesuffix("-SESS")
        qops = {q.strip() for q in params.get("qop", "auth").split(",")}
        if "nonce" in params and algorithm in _HASHES and ("auth" in qops or "qop" not in params):
            return params
    return None


def _digest(method: str, url: str, user: str, password: str, challenge: dict[str, str]) -> str:
    """The Authorization header answering a Digest challenge for one request (a new nonce count)."""
    nonce = challenge["nonce"]
    with _digest_lock:
        count = _nonce_counts.get(nonce, 0) + 1
        _nonce_counts[nonce] = count
    algorithm = challenge.get("algorithm", "MD5")
    digest = _HASHES[algorithm.upper().removesuffix("-SESS")]

    def h(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = parts.path or "/"
    if parts.query:
        uri += "?" + parts.query
    realm = challenge.get("realm", "")
    cnonce = os.urandom(8).hex()
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"', f"algorithm={algorithm}"]
    if "qop" in challenge:
        nc = f"{count:08x}"
        fields += [f'response="{h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")}"', "qop=auth", f"nc={nc}"]
        fields.append(f'cnonce="{cnonce}"')
    else:
        fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)


def _explain(status: int, url: str, detail: str) -> str:
    if status in (401, 403):
        return (
            f"{url} refused the request (HTTP {status}): set {USER_VAR} and {PASSWORD_VAR} (Basic or Digest) "
            f"or {TOKEN_VAR} (Bearer) to credentials the store accepts{detail}"
        )
    if status == 404:
        return f"{url} was not found (HTTP 404): check the endpoint URL (`stackmap push --help` shows them){detail}"
    if status == 400:
        return f"{url} refused the request as malformed (HTTP 400){detail}"
    return f"{url} answered HTTP {status}{detail}"


def _place(url: str) -> str:
    """The URL without its query string, for messages about reaching it."""
    return urllib.parse.urlsplit(url)._replace(query="", fragment="").geturl()


def _send(
    opener: urllib.request.OpenerDirector,
    method: str,
    url: str,
    body: bytes | None,
    headers: Mapping[str, str],
    timeout: float,
):
    """(status, headers, body) of one request, whatever its status; RemoteError when it gets no answer."""
    req = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": _USER_AGENT, **headers})
    try:
        with opener.open(req, timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except TimeoutError:
        raise RemoteError(f"{_place(url)} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise RemoteError(f"{_place(url)} did not answer within {timeout:g} s") from None
        raise RemoteError(f"cannot reach {_place(url)}: {getattr(reason, 'strerror', None) or reason}") from None
    except (ConnectionError, OSError) as error:
        raise RemoteError(f"cannot reach {_place(url)}: {error.strerror or error}") from None


def _request(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: Mapping[str, str] | None,
    timeout: float,
    env: Mapping[str, str] | None,
    ok: tuple[int, ...],
) -> Response:
    """Send one request; statuses in `ok` (and every 2xx) are answers, any other is _Refused.
    With a user and password, at most three requests go out: up-front Basic (or Digest when this
    origin asked for it before), then, after a 401, the same request without credentials to learn a
    challenge the 401 did not carry, then the Digest answer."""
    check_url(url)
    env = os.environ if env is None else env
    opener = _opener()
    base = dict(headers or {})
    user, password = env.get(USER_VAR), env.get(PASSWORD_VAR, "")
    if env.get(TOKEN_VAR):
        user = None
        base["Authorization"] = f"Bearer {env[TOKEN_VAR]}"
    key = (_origin(url), user or "")
    with _digest_lock:
        known = _challenges.get(key) if user else None

    def send(auth: str | None):
        return _send(opener, method, url, body, {**base, **({"Authorization": auth} if auth else {})}, timeout)

    if not user:
        status, answer_headers, data = send(None)
    elif known is not None:
        sent_nonce = known["nonce"]
        status, answer_headers, data = send(_digest(method, url, user, password, known))
    else:
        sent_nonce = None
        basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        status, answer_headers, data = send(f"Basic {basic}")
        if status == 401 and not answer_headers.get_all("WWW-Authenticate"):
            # Refused without saying what it wants (Virtuoso 7.2 answers up-front Basic so): ask once more
            # without credentials, which a store that wants Digest answers with its challenge.
            status, answer_headers, data = send(None)
    if user and status == 401:
        challenge = _digest_challenge(answer_headers)
        fresh = challenge is not None and (
            challenge["nonce"] != sent_nonce or challenge.get("stale", "").lower() == "true"
        )
        if fresh:
            with _digest_lock:
                _challenges[key] = challenge
            status, answer_headers, data = send(_digest(method, url, user, password, challenge))
        if status == 401:
            with _digest_lock:
                _challenges.pop(key, None)  # refused: the next request starts over
    if 200 <= status < 300 or status in ok:
        return Response(status, answer_headers.get("Content-Type", ""), data)
    text = data.decode("utf-8", "replace").strip()
    if "html" in (answer_headers.get("Content-Type") or "") or text.lower().startswith("<!doctype html"):
        text = _html_text(text)
    detail = f": {text[:500]}" if text else ""
    raise _Refused(status, _explain(status, url, detail))


class _Refused(RemoteError):
    """A request the store answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _html_text(page: str) -> str:
    """The text of an HTML error page (a store's message is in it), without its head and tags."""
    page = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->|<[^>]*>", " ", page)
    return " ".join(html.unescape(page).split())


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    ok: tuple[int, ...] = (),
) -> Response:
    """Send one request; statuses in `ok` (and every 2xx) are answers, any other is a RemoteError.
    An idempotent request (GET, HEAD, PUT, DELETE) that the store answers with 500, 502, 503 or 504
    is sent again, at most RETRIES times, after a short pause: a store may fail one of several
    requests at once (Virtuoso 7.2 answers concurrent graph replacements now and then with
    "40001 SR172: Transaction deadlocked", and asks clients to try again)."""
    attempts = 1 + (RETRIES if method.upper() in ("GET", "HEAD", "PUT", "DELETE") else 0)
    for attempt in range(attempts):
        try:
            return _request(method, url, body=body, headers=headers, timeout=timeout, env=env, ok=ok)
        except _Refused as refusal:
            if refusal.status not in (500, 502, 503, 504) or attempt == attempts - 1:
                raise RemoteError(str(refusal)) from None
        time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")
