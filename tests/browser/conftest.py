"""End-to-end tests in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Why not pytest-django's ``live_server``: it needs the transactional_db machinery, which flushes tables and
would wipe the session-scoped test world of tests/conftest.py. Instead one session-scoped server thread
(Django's LiveServerThread: ThreadedWSGIServer + static files) serves the app on 127.0.0.1:<free port>, and
the browser tests (marked browser and django_db, so that pytest-django sets up the test database and
opens it while they run) work in unions of their own (``e2ecity`` ─ ``e2ecounty``) whose data they commit for real:
they never meet the rolled-back tests' unions. Chromium maps every ``*.localhost`` host to the loopback
address by itself, so ``http://e2ecounty.localhost:<port>/`` reaches the server with the union's Host header.

The city dashboard reads the roll-up. In production a Celery task refreshes it after each committed change;
no worker runs in the test session, so the tests call the roll-up service (rollup_refresh) synchronously at
the point where the worker would have run, then reload the page.

Without /usr/bin/chromium these tests are skipped, and the run says so loudly (header and summary).
"""

from __future__ import annotations

import datetime
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")  # overridable to check the skip banner
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "e2e-pass-12345"
E2E_UNIONS = [
    # code, name, level, parent, region
    ("e2ecity", "端到端测试市总工会", "city", None, "339700"),
    ("e2ecounty", "端到端测试区总工会", "county", "e2ecity", "339701"),
    # The province's dashboard: a province with one city of its own (no county, so no quota of its own to
    # miss: the reminder tests count the counties behind pace).
    ("e2eprov", "端到端测试省总工会", "province", None, "350000"),
    ("e2eprovcity", "端到端测试省一市总工会", "city", "e2eprov", "350100"),
]
E2E_USERS = [
    ("e2ecounty-staff", "e2ecounty", "staff", "王小燕"),
    ("e2ecity-admin", "e2ecity", "admin", "李建国"),
    ("e2eprov-admin", "e2eprov", "admin", "赵省"),
    ("e2eprovcity-staff", "e2eprovcity", "staff", "钱市"),
]


def _skip_reason() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (install Debian's chromium and chromium-driver, as .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:  # pragma: no cover - requirements.txt installs it
        return f"Playwright for Python is not installed ({error})"
    return None


SKIP_REASON = _skip_reason()


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    config._browser_tests_collected = len(browser_items)
    if SKIP_REASON:
        marker = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {SKIP_REASON}")
        for item in browser_items:
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    collected = getattr(config, "_browser_tests_collected", 0)
    if SKIP_REASON and collected:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(f"!! {collected} BROWSER TESTS WERE SKIPPED: {SKIP_REASON}", red=True, bold=True)
        terminalreporter.write_line("!! The end-to-end path in a real Chromium was NOT checked.", red=True, bold=True)
        terminalreporter.write_line(bar, red=True, bold=True)
    elif collected:
        terminalreporter.write_line(f"browser tests ran in {CHROMIUM}; screenshots in {SCREENSHOTS}")


def in_thread(function, *args, **kwargs):
    """Run ORM code in a fresh thread: Playwright's sync API keeps an event loop in the test's thread, where
    Django refuses synchronous database access."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_with_public_schema, function, *args, **kwargs).result()


def _with_public_schema(function, *args, **kwargs):
    from django.db import connections

    try:
        return function(*args, **kwargs)
    finally:
        connection.set_schema_to_public()
        connections.close_all()


def _provision():
    """The e2e unions and users (get or create), with their tenant data wiped so every run starts clean."""
    from django_tenants.utils import schema_context

    from oversight.rollup.models import UnionYearStats
    from shared.accounts.models import Membership, User
    from shared.unions.models import Union
    from shared.unions.services import union_create
    from tenants.cases.models import Case
    from tenants.enterprises.services import enterprise_create
    from tenants.events.models import Event, EventCounter
    from tenants.planning.models import PlanItem, Suggestion

    unions = {}
    for code, name, level, parent, region in E2E_UNIONS:
        unions[code] = Union.objects.filter(code=code).first() or union_create(
            code=code, name=name, level=level, parent_code=parent, region_code=region, domain=f"{code}.localhost"
        )
    for username, code, role, full_name in E2E_USERS:
        user = User.objects.filter(username=username).first() or User(username=username, full_name=full_name)
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.update_or_create(user=user, union=unions[code], defaults={"role": role})
    for union in unions.values():
        with schema_context(union.schema_name):
            Case.objects.all().delete()
            Event.objects.all().delete()
            EventCounter.objects.update(last_number=0)
            Suggestion.objects.all().delete()
            PlanItem.objects.all().delete()
            from tenants.enterprises.models import Enterprise

            Enterprise.objects.all().delete()
            if union.code == "e2ecounty":
                for name, town in (("衢州巨化精细化工有限公司", "高新园区"), ("柯城区万达商贸有限公司", "荷花街道")):
                    enterprise_create(name=name, town=town, employees=120, union_established=True)
        UnionYearStats.objects.filter(union=union).delete()
    connection.set_schema_to_public()
    return unions


@pytest.fixture(scope="session")
def e2e_server(django_db_setup, django_db_blocker):
    """Provision the e2e unions, then serve the app from a thread for the whole session."""
    if SKIP_REASON:
        pytest.skip(f"BROWSER TESTS SKIPPED: {SKIP_REASON}")
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        if not name.startswith("test_"):  # never provision into a real database
            raise RuntimeError(f"browser tests refuse to run against the non-test database {name!r}")
        unions = _provision()
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield {"port": thread.port, "unions": unions}
    thread.terminate()


@pytest.fixture
def browser(e2e_server):
    """Chromium for one test. Function scope on purpose: Playwright's sync API runs an event loop in this
    thread, and pytest-django must open the test's database transaction before that loop starts."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def url(e2e_server):
    """url(code, path) -> the address of a page on union `code`'s host."""

    def make(code: str, path: str = "/") -> str:
        return f"http://{code}.localhost:{e2e_server['port']}{path}"

    return make


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def new_page(browser):
    """new_page(phone=False) -> a page in a fresh browser context (its own cookies), Chinese as a user in China."""
    contexts = []

    def make(*, phone: bool = False):
        context = browser.new_context(locale="zh-CN", **(PHONE if phone else DESKTOP))
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot into artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, url, code: str, username: str):
    page.goto(url(code, "/"))
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].big")
    page.wait_for_url(url(code, "/"))


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
