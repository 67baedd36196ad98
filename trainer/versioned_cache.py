"""Values computed from the data, kept under the data version they were computed from.

``trainer.data_version`` changes with every committed write, so an entry is valid for one version
only and is never stale: report results, rendered pages. Each process (each gunicorn worker) keeps
its own small LRU per area; an area's entries are all dropped when the version moves on. A
transaction that has written and not committed computes afresh and stores nothing.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from trainer import data_version

T = TypeVar("T")
EXTENSION = "trainer_versioned_cache"


class VersionedLRU:
    """An LRU for one data version: an entry of another version is never returned."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.version: int | None = None
        self._entries: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int, key: tuple) -> tuple[object, object] | None:
        """``(anchor, value)`` stored for ``key`` under ``version``, or None."""
        with self._lock:
            if version != self.version:
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, version: int, key: tuple, anchor: object, value: object) -> None:
        with self._lock:
            if version != self.version:
                self._entries.clear()  # every entry was for another state of the data
                self.version = version
            self._entries[key] = (anchor, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _lru(area: str, size: int) -> VersionedLRU | None:
    if size <= 0:
        return None
    areas = current_app.extensions.setdefault(EXTENSION, {})
    lru = areas.get(area)
    if lru is None:
        lru = areas[area] = VersionedLRU(size)
    return lru


def language() -> str:
    """The language of the request (a rendered page or a label depends on it)."""
    if not has_request_context():
        return ""
    from flask_babel import get_locale

    return str(get_locale() or "")


def cached(
    area: str,
    key: tuple,
    compute: Callable[[], T],
    *,
    size: int,
    anchor: object = None,
    keep: Callable[[T], bool] | None = None,
    copy: Callable[[T], T] | None = None,
) -> T:
    """``compute()``, or the value it gave for ``key`` since the last committed write.

    ``anchor`` must be the very object it was when the value was stored (a definition reloaded
    from its file is another object: the value is computed again). ``keep`` says whether a value is
    worth its memory; ``copy`` gives each caller a value of its own when values are mutable.
    """
    lru = _lru(area, size)
    if lru is None:
        return compute()
    version = data_version.current()
    if version is None:
        return compute()
    found = lru.get(version, key)
    if found is not None and found[0] is anchor:
        value = found[1]
        return copy(value) if copy else value  # type: ignore[arg-type]
    value = compute()
    if keep is None or keep(value):
        lru.put(version, key, anchor, copy(value) if copy else value)
    return value


# Stands for the visitor's CSRF token in a stored page; random, so no page text can look like it.
_CSRF_HOLE = f"csrf-{secrets.token_hex(16)}"
PAGE_MAX_CHARS = 2_000_000


def _visitor() -> tuple | None:
    """What of the signed-in account a page may show (its header) or depend on (role, scope)."""
    user = current_user
    if not user.is_authenticated:
        return None
    return (
        user.id,
        user.email,
        user.role,
        user.scope_region_code,
        user.scope_department_code,
        user.person_id,
    )


def cached_page(view: Callable) -> Callable:
    """A GET page whose HTML follows from the data, the URL, the visitor and the day, kept under
    the data version: a page seen again while nothing was written costs no query but the version.

    Only plain 200 pages are kept (a redirect, an error or another status is not). The visitor's
    CSRF token is cut out before a page is stored and this request's token put back when it is
    served; a page with a message waiting to be flashed is rendered afresh. Access rules run first
    (the permission decorator wraps this one).
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or session.get("_flashes"):
            return view(*args, **kwargs)
        config = current_app.config
        key = (
            request.endpoint,
            tuple(sorted(kwargs.items())),
            tuple(request.args.items(multi=True)),
            _visitor(),
            language(),
            date.today(),
            config.get("MIN_RESPONSES_SHOWN"),
        )

        def render() -> tuple[bool, object]:
            page = view(*args, **kwargs)
            if not isinstance(page, str):
                return False, page
            token = g.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
            return True, page.replace(token, _CSRF_HOLE) if token else page

        kept, page = cached(
            "pages",
            key,
            render,
            size=int(config.get("PAGE_CACHE_SIZE", 0)),
            keep=lambda found: found[0] and len(found[1]) <= PAGE_MAX_CHARS,
        )
        if not kept:
            return page
        return page.replace(_CSRF_HOLE, generate_csrf()) if _CSRF_HOLE in page else page

    return wrapper
