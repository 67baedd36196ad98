"""End-to-end harness: the app served on loopback, driven by Debian's headless Chromium.

Every page a test visits goes through ``check_page``: axe-core must find no serious or critical
violation, and the page must declare ``lang="fr"``. ``capture`` writes the screenshots used by the
user guide in ``docs/``, so the pictures never go stale.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The user guide's pictures are rewritten only when asked (`make captures`), so that an ordinary
# test run leaves the working tree clean; otherwise they go to a temporary folder.
CAPTURES = (
    Path(__file__).resolve().parents[2] / "docs" / "captures"
    if os.environ.get("UPDATE_CAPTURES")
    else Path(tempfile.gettempdir()) / "trainer-captures"
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="fr-FR", timezone_id="Europe/Paris", **PHONE)
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()


def check_page(page) -> None:
    """Accessibility gate for every visited page: no serious or critical axe violation."""
    assert page.locator("html").get_attribute("lang") == "fr", page.url
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not blocking, f"{page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in blocking
    )


def capture(page, name: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"{name}.png"), full_page=False)


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/connexion")
    check_page(page)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
