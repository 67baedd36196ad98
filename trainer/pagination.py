"""Safe paging arguments: odd values fall back to the first page instead of a 500."""

from flask import request


def page_arg(name: str = "page") -> int:
    raw = request.args.get(name, "1")
    try:
        page = int(raw)
    except ValueError:
        return 1
    return min(max(page, 1), 100_000)
