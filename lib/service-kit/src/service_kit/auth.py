"""Bearer-token authorization per role (RFC 6750): ``Authorization: Bearer <token>``.

A service names its roles and the tokens that grant each (``BearerAuth({"write": (...), "read": (...)})``), installs
the checker on its app (``install``), and marks each protected view with ``@requires("role")``. A missing, malformed
or unknown token is answered 401 with ``WWW-Authenticate: Bearer``; a known token of another role 403 (with
``error="insufficient_scope"``). A token may grant one role only. A browser view may also take the token from a
cookie it set itself (``check(role, cookie=NAME)``, ``set_token_cookie``): HttpOnly, SameSite=Strict, Secure over
https. Tokens are
compared as SHA-256 digests with ``hmac.compare_digest``, against every configured token (no early exit), so the
time taken does not depend on how much of a token matched nor on which one did. Tokens are never logged.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping

from flask import Flask, Response, current_app, request

from .errors import error_response

log = logging.getLogger(__name__)

_EXTENSION = "service_kit.auth"
REALM = "log-analysis"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class BearerAuth:
    """Which role a bearer token grants. ``roles`` maps a role to its valid tokens (several while one rotates);
    a role in ``public`` needs no token at all (e.g. reads, when the operator opened them explicitly)."""

    def __init__(self, roles: Mapping[str, tuple[str, ...]], public: frozenset[str] = frozenset()):
        """Raises ValueError when one token is given to two roles (a reader's token would then write, or a
        writer's be refused): the names of the roles, never the token, are in the message."""
        self._digests = [(role, _digest(token)) for role, tokens in roles.items() for token in tokens]
        seen: dict[bytes, str] = {}
        for role, digest in self._digests:
            if seen.setdefault(digest, role) != role:
                raise ValueError(f"the same token is configured for the {seen[digest]} and the {role} role: "
                                 f"each role needs its own")
        self.public = frozenset(public)

    def role_of(self, token: str) -> str | None:
        """The role ``token`` grants, or None."""
        candidate = _digest(token)
        found = None
        for role, digest in self._digests:  # all of them, whatever matched first
            if hmac.compare_digest(candidate, digest):
                found = role
        return found

    def install(self, app: Flask) -> None:
        app.extensions[_EXTENSION] = self


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme in any case), else None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token and " " not in token else None


def is_public(role: str) -> bool:
    """Whether ``role`` needs no token in the current app."""
    return role in current_app.extensions[_EXTENSION].public


def check(role: str, cookie: str | None = None, token: str | None = None):
    """None when the current request may go on; else the 401/403 JSON response. With ``cookie``, a request without
    a bearer token may carry it in that cookie instead (the header wins when both are there). ``token`` judges that
    token instead of the request's (one a view took from a form or its URL; empty: none given)."""
    auth: BearerAuth = current_app.extensions[_EXTENSION]
    if role in auth.public:
        return None
    if token is None:
        token = bearer_token(request.headers.get("Authorization"))
        if token is None and cookie:
            token = request.cookies.get(cookie)
    if not token:
        return _unauthorized("missing bearer token", None)  # RFC 6750 3.1: no error code without credentials
    granted = auth.role_of(token)
    if granted is None:
        log.warning("request with an unknown token refused", extra={"path": request.path, "role": role})
        return _unauthorized("invalid bearer token", "invalid_token")
    if granted != role:
        log.warning("request with another role's token refused",
                    extra={"path": request.path, "role": role, "token_role": granted})
        return error_response(403, f"this token does not grant {role} access", [{"role": granted}],
                              headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope"'})
    return None


def requires(role: str) -> Callable:
    """View decorator: the request must carry a token of ``role`` (see ``check``)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            refused = check(role)
            return refused if refused is not None else view(*args, **kwargs)

        return guarded

    return decorate


def _unauthorized(message: str, code: str | None):
    challenge = f'Bearer realm="{REALM}"' + (f', error="{code}"' if code else "")
    return error_response(401, message, [], headers={"WWW-Authenticate": challenge})


def set_token_cookie(response: Response, name: str, token: str, path: str = "/") -> Response:
    """Sets cookie ``name`` to ``token`` for ``path``: a browser session cookie that scripts cannot read (HttpOnly),
    sent on same-site requests only (SameSite=Strict), and only over https (Secure) when the request came by https,
    directly or through a proxy that says so in ``X-Forwarded-Proto``."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    response.set_cookie(name, token, path=path, httponly=True, samesite="Strict",
                        secure=request.is_secure or forwarded == "https")
    return response


def authorization_header(token: str) -> dict[str, str]:
    """The header a client sends with ``token``."""
    return {"Authorization": f"Bearer {token}"}
