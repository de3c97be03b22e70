"""Browser tests: Debian's Chromium, headless, driven by Playwright for Python, against
pytest-django's live server. One browser per session, a fresh context per test.

Chromium runs with every outside host unresolvable (``--host-resolver-rules``), so a page
that needs a CDN fails here as it would on a district's intranet. Playwright's ``launch()``
gives the browser a fresh temporary user-data dir and removes it afterwards.

Without Chromium (or Playwright) the tests skip with the reason; with the environment
variable ``GRIDBOOK_REQUIRE_BROWSER`` set (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD, World, build_world

CHROMIUM = os.environ.get("GRIDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser's own widgets (file pickers) in Chinese, as in a district office
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
# Journeys save screenshots into docs/screenshots/ when GRIDBOOK_SCREENSHOTS is set (`make
# screenshots`); otherwise into a temporary folder, so a test run leaves the tree unchanged
# (the pages show the time and random passwords, so every run's pictures differ).
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One Chromium for all browser tests. Playwright's sync API keeps an event loop
    running in this thread, which Django's async-safety check mistakes for async code; the
    check is lifted while the browser tests run (the database work still happens in plain
    synchronous code) and restored after them."""
    problem = _unavailable()
    if problem:
        if os.environ.get("GRIDBOOK_REQUIRE_BROWSER"):
            pytest.fail(f"GRIDBOOK_REQUIRE_BROWSER is set but {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class Session:
    """One browser context (cookies, language, viewport) with a page, and what it saw: every
    request (all must stay on the live server) and every script error."""

    def __init__(
        self, browser: object, base_url: str, viewport: dict, locale: str, screenshots: Path
    ) -> None:
        self.base_url = base_url
        self.screenshots = screenshots
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport=viewport,
            locale=locale,
            base_url=base_url,
            device_scale_factor=1,
            reduced_motion="reduce",
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.page.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base_url}/")

    def screenshot(self, name: str) -> None:
        """Save the viewport as docs/screenshots/NAME, once every chart has been drawn."""
        self.page.wait_for_function(
            "[...document.querySelectorAll('[data-chart]')].every(c => c.dataset.ready)"
        )
        self.page.screenshot(path=str(self.screenshots / name))

    def overflows(self) -> bool:
        """Does anything make the page wider than the screen (sideways scrolling)?"""
        return bool(
            self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        )

    def close(self) -> None:
        self.context.close()

    def check_clean(self) -> None:
        # Gridbook's own S3 storage is part of the deployment (export downloads redirect to a
        # presigned URL there); any other host is a page depending on the outside world.
        own = tuple(filter(None, (self.base_url, getattr(settings, "S3_ENDPOINT_URL", ""))))
        outside = [url for url in self.requests if not url.startswith(own)]
        assert not outside, f"requests left the server: {outside}"
        assert not self.errors, f"script errors: {self.errors}"


@pytest.fixture
def world(transactional_db: None) -> World:
    """The named test world, committed so the live server's thread sees it."""
    return build_world()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("GRIDBOOK_SCREENSHOTS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def open_session(browser: object, live_server: object, screenshots: Path) -> Iterator[object]:
    """``open_session(viewport=DESKTOP, locale="zh-CN")`` → a fresh Session."""
    sessions: list[Session] = []

    def open_(viewport: dict = DESKTOP, locale: str = "zh-CN") -> Session:
        session = Session(
            browser,
            live_server.url,  # type: ignore[attr-defined]
            viewport,
            locale,
            screenshots,
        )
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        try:
            session.check_clean()
        finally:
            session.close()
