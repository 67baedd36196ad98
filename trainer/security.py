"""Tokens, hashing and HTTP security headers shared by every area."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from flask import Flask, Request, Response
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def new_token() -> str:
    """A random URL-safe token of 256 bits."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` capped at the database's integer range: a huge id is a 404, not a 500."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def strip_control_characters(value: str) -> str:
    """Drop control characters a browser can send (NUL breaks PostgreSQL, others break exports)."""
    if not isinstance(value, str) or value.isprintable():
        return value
    return "".join(c for c in value if c in "\t\n\r" or unicodedata.category(c) != "Cc")


class CleanParameters(ImmutableMultiDict):
    """Query and form values without control characters, for every view at once."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = list(mapping.items(multi=True))
        elif isinstance(mapping, dict):
            pairs = [
                (k, v)
                for k, values in mapping.items()
                for v in (values if isinstance(values, list) else [values])
            ]
        else:
            pairs = list(mapping)
        super().__init__([(key, strip_control_characters(value)) for key, value in pairs])


class CleanRequest(Request):
    parameter_storage_class = CleanParameters


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.after_request(add_security_headers)
