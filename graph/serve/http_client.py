"""HTTP requests to a remote SPARQL store: credentials from the environment, a timeout on every
request, and one clear error per failure (unreachable, refused credentials, not found, timeout).

Credentials: STACKMAP_ENDPOINT_TOKEN sends `Authorization: Bearer TOKEN`; otherwise
STACKMAP_ENDPOINT_USER and STACKMAP_ENDPOINT_PASSWORD are sent as HTTP Basic, and answer a Digest
challenge (Virtuoso's `/sparql-graph-crud-auth` asks for Digest).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TIMEOUT = 60.0
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


def _opener(url: str, env: Mapping[str, str]) -> tuple[urllib.request.OpenerDirector, dict[str, str]]:
    """An opener that follows no file: or ftp: URLs, with the auth handlers and headers env asks for."""
    headers = {"User-Agent": _USER_AGENT}
    handlers: list[urllib.request.BaseHandler] = []
    if env.get(TOKEN_VAR):
        headers["Authorization"] = f"Bearer {env[TOKEN_VAR]}"
    elif env.get(USER_VAR):
        passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
        passwords.add_password(None, url, env[USER_VAR], env.get(PASSWORD_VAR, ""), is_authenticated=True)
        handlers += [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        *handlers,
    ):
        opener.add_handler(handler)
    return opener, headers


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
    """Send one request; statuses in `ok` (and every 2xx) are answers, any other is a RemoteError."""
    check_url(url)
    opener, base = _opener(url, os.environ if env is None else env)
    req = urllib.request.Request(url, data=body, method=method, headers={**base, **(headers or {})})
    try:
        with opener.open(req, timeout=timeout) as answer:
            return Response(answer.status, answer.headers.get("Content-Type", ""), answer.read())
    except urllib.error.HTTPError as error:
        data = error.read()
        if error.code in ok:
            return Response(error.code, error.headers.get("Content-Type", ""), data)
        text = data.decode("utf-8", "replace").strip()
        html = "html" in (error.headers.get("Content-Type") or "") or text.lower().startswith("<!doctype html")
        detail = f": {text[:500]}" if text and not html else ""
        raise RemoteError(_explain(error.code, url, detail)) from None
    except TimeoutError:
        raise RemoteError(f"{_place(url)} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise RemoteError(f"{_place(url)} did not answer within {timeout:g} s") from None
        raise RemoteError(f"cannot reach {_place(url)}: {getattr(reason, 'strerror', None) or reason}") from None
    except (ConnectionError, OSError) as error:
        raise RemoteError(f"cannot reach {_place(url)}: {error.strerror or error}") from None
