"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server."""

import contextlib
import json
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM and Playwright's page in one test


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.e2e)
        # Every browser test starts from the migrated data (the site, content types, rule sets, the privacy
        # notice, document kinds): a flush after a serialized test emits no post_migrate, and a flush after an
        # unserialized one re-creates content types under new ids that a serialized test cannot load.
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(
                pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True})
            )


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_per_request():
    """The live server's middleware is built once: the browser gets static files as in production (the root
    conftest has tests look them up per request)."""
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make setup` (scripts/setup.sh installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 412, "height": 915}}


@pytest.fixture
def base(live_server):
    return live_server.url


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(page):
    """Every browser test also checks the Content-Security-Policy: chromium reports each script, style or
    form it refused on the console ("Refused to … because it violates the following Content Security
    Policy directive"); none may appear on any page a test walks through."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield refused
    assert not refused, refused


# axe-core's WCAG 2.1 A and AA rules (the wheel bundles axe.min.js: nothing is fetched). Its CSSOM preload is
# left out: it re-reads @import-ed sheets (Django admin's forms.css imports widgets.css) through a <style>
# element it adds, which the Content-Security-Policy refuses and the check above would count; the one rule
# that needs it (css-orientation-lock; the portal's CSS locks no orientation) then reports "incomplete".
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
    "preload": {"assets": ["media"]},
}
# In every document the browser opens, before the page's own scripts: axe, and on the main frame's `load`
# a run whose violations go back to the test through an exposed binding. Init scripts and bindings come in
# through the DevTools protocol, which the Content-Security-Policy does not govern (no inline script).
RUN_ON_LOAD = """
;(function () {
  if (window !== window.top) { return; }
  window.addEventListener("load", function () {
    if (document.contentType !== "text/html") { return; }
    window.__axeRun = axe.run(document, OPTIONS)
      .then(function (results) { return window.__axeReport(location.href, results.violations); })
      .catch(function () {});
  });
})();
"""
AXE_ON_LOAD = Axe().axe_script + RUN_ON_LOAD.replace("OPTIONS", json.dumps(AXE_OPTIONS))


class AccessibilityWatch:
    """Collects what axe reports on every page load, in every tab and browser context a test opens."""

    def __init__(self):
        self.violations: list[str] = []
        self.checked: list[str] = []
        self.contexts = []

    def watch(self, context) -> None:
        context.expose_binding("__axeReport", self.report)
        context.add_init_script(AXE_ON_LOAD)
        self.contexts.append(context)

    def report(self, _source, url: str, violations: list[dict]) -> None:
        self.checked.append(url)
        for violation in violations:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            self.violations.append(
                f"{url}: {violation['id']} ({violation['impact']}) {violation['help']}: {targets}"
            )

    def finish(self) -> None:
        """Wait for the runs still going on the pages left open."""
        for context in self.contexts:
            for page in context.pages:
                with contextlib.suppress(PlaywrightError):
                    page.evaluate("() => window.__axeRun")


@pytest.fixture(autouse=True)
def _no_accessibility_violation(page, context, browser, monkeypatch):
    """Every page a browser test visits has no violation of WCAG 2.1 A/AA that axe-core finds: checked on
    each load of the main frame, reported all at once at the end of the test."""
    watch = AccessibilityWatch()
    watch.watch(context)
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        created = new_context(*args, **kwargs)
        watch.watch(created)
        return created

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield watch
    watch.finish()
    assert not watch.violations, "\n".join(watch.violations)
