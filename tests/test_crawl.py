"""Crawl every page reachable from the home page, anonymously and as each demo role."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from trainer.demo import ACCOUNTS, DEMO_PASSWORD

MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = ["/"]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} → {response.status_code}"
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert '<html lang="fr"' in html, url
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target, _ = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != "localhost"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            # The language switch is crawled in French only: the English page says lang="en".
            if path.startswith("/static/") or "lang=" in path or path in seen:
                continue
            queue.append(path)
    return seen


@pytest.fixture
def demo_loaded(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_is_idempotent_and_prints_accounts(app, runner, demo_loaded):
    import sqlalchemy as sa

    from trainer.extensions import db
    from trainer.sessions.models import Registration

    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Registration))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == before
    for email, _, _ in ACCOUNTS:
        assert email in demo_loaded


@pytest.mark.parametrize("email", [None, *[a[0] for a in ACCOUNTS]])
def test_crawl_finds_no_server_error(app, demo_loaded, email):
    client = app.test_client()
    if email:
        response = client.post("/connexion", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    pages = crawl(client)
    assert len(pages) >= 3
