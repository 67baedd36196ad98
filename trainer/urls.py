"""Absolute URLs for e-mails and QR codes, also outside a request (CLI, cron)."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + _path(endpoint, base, **values)
    return url_for(endpoint, _external=True, **values)


def _path(endpoint: str, base: str, **values) -> str:
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=False, **values)
    # A cron job or a signal receiver has no request: url_for would need SERVER_NAME.
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc or "localhost", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=False)
