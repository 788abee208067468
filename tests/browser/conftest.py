"""Headless Chromium (Debian's package, driven by Playwright) against pytest-django's
live_server. A failing test leaves a screenshot and the page's HTML under test-artifacts/."""

import os
import pathlib
import re

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# fixtures from the same thread are safe (nothing runs concurrently in it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pass-Word-1234"  # tests.partners.factories.UserFactory


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


# Module scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is started, and Django then keeps its connections per asyncio context
# rather than per thread. Left running for the rest of the session, it made the tests that
# follow open a connection that the final teardown could not see (and so not drop the test
# database: "being accessed by other users").
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    context.close()


@pytest.fixture(autouse=True)
def seeded_cities(transactional_db):
    """A live-server test runs in a transactional database, flushed after each test, which
    also drops the cities seeded by a data migration: seed them again."""
    import importlib

    from django.apps import apps

    from partners.models import City

    if not City.objects.exists():
        migration = importlib.import_module("partners.migrations.0002_seed_regions_and_cities")
        migration.seed(apps, None)
