"""The dashboard in Debian's Chromium (Playwright, no browser download): signed in on the Auth emulator, it
shows the figures the API holds, passes axe-core on every page, and handles the API's refusals as people
expect."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from devstack import web
from devstack.stack import Stack
from tests.conftest import AuthEmulator

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".artifacts" / "dashboard"
AXE = web.WEB / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "s3cret-pass"  # what AuthEmulator.sign_up_with sets
PAGES = (
    *("today", "calendar", "insights", "leaderboard", "challenges"),
    *("badges", "friends", "settings", "share", "wrapped", "data"),
)
WIDTHS = (360, 1280)


@dataclass
class Person:
    """A signed-up user who focused an hour a day for the last 7 local days, today included."""

    email: str
    uid: str
    token: str
    zone: str
    today: date
    api_url: str

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.request(method, f"{self.api_url}{path}", headers=headers, timeout=30, **kwargs)


def noon_zone(now: datetime) -> tuple[str, timezone]:
    """A fixed-offset zone where it is about noon now, so "today" has room before and after this run."""
    hours = max(-12, min(14, 12 - now.hour))
    name = "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"  # POSIX signs: Etc/GMT-5 is UTC+5
    return name, timezone(timedelta(hours=hours))


@pytest.fixture(scope="module")
def web_url(stack: Stack) -> str:
    web.build()
    return stack.start_web()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])


def person(auth_emulator: AuthEmulator, api_url: str, name: str = "Dash Tester") -> Person:
    email = f"dash-{uuid.uuid4().hex[:8]}@example.com"
    uid, token = auth_emulator.sign_up_with(email)
    zone, offset = noon_zone(datetime.now(UTC))
    today = datetime.now(offset).date()
    who = Person(email, uid, token, zone, today, api_url)
    settings = {"timezone": zone, "display_name": name, "leaderboard_visibility": "public"}
    assert who.call("PATCH", "/v1/me/settings", json=settings).status_code == 200
    sessions = []
    for back in range(6, -1, -1):
        day = today - timedelta(days=back)
        # 09:00-10:00 local: in the past even today
        start = datetime(day.year, day.month, day.day, 9, tzinfo=offset)
        sessions.append(
            {
                "id": f"dash-{day}",
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
                "timezone": zone,
            }
        )
    answer = who.call("POST", "/v1/sessions:batch", json={"sessions": sessions})
    assert answer.status_code == 200, answer.text
    return who


@pytest.fixture(scope="module")
def dasher(auth_emulator: AuthEmulator, api_url: str) -> Person:
    who = person(auth_emulator, api_url)
    challenge = {
        "title": "Dashboard minutes",
        "kind": "focus_minutes",
        "target": 1000,
        "starts_on": str(who.today - timedelta(days=6)),
        "ends_on": str(who.today + timedelta(days=7)),
        "reward_xp": 0,
        "visibility": "private",
    }
    made = who.call("POST", "/v1/challenges", json=challenge)
    assert made.status_code == 201, made.text
    joined = who.call("POST", f"/v1/challenges/{made.json()['challenge']['id']}:join")
    assert joined.status_code == 200, joined.text
    return who


class Watched:
    """A page with its console errors and uncaught exceptions recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))


def signed_in(browser: Browser, web_url: str, who: Person, locale: str = "en-US") -> Watched:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page())
    page = watched.page
    page.goto(web_url)
    page.get_by_label("Email" if locale.startswith("en") else "E-mail").fill(who.email)
    page.get_by_label("Password" if locale.startswith("en") else "Mot de passe").fill(PASSWORD)
    page.locator("button[type=submit][value=signin]").click()
    page.locator("nav.sections").wait_for()
    return watched


def open_page(page: Page, web_url: str, name: str) -> None:
    page.goto(f"{web_url}#/{name}")
    page.locator(f'nav a[href="#/{name}"][aria-current="page"]').wait_for()
    page.locator("main .page h1").wait_for()
    page.wait_for_function("() => !document.querySelector('main .loading')", timeout=20_000)


def on_page(browser: Browser, web_url: str, who: Person, name: str) -> Page:
    """A fresh browser signed in as `who`, on the dashboard's page `name`."""
    page = signed_in(browser, web_url, who).page
    open_page(page, web_url, name)
    return page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"""
    )
    return found


def test_every_page_shows_the_apis_figures_passes_axe_and_logs_no_error(
    chromium: Browser, web_url: str, dasher: Person
) -> None:
    watched = signed_in(chromium, web_url, dasher)
    page = watched.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    for name in PAGES:
        open_page(page, web_url, name)
        if name == "insights":
            page.locator(".chart canvas").first.wait_for()
        violations = axe_violations(page)
        figures[name] = violations
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)  # a resize observer redraws the charts
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide} px wide in a {width} px window"
        page.set_viewport_size({"width": 1280, "height": 900})
    (SHOTS / "axe.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("axe violations per page:", {k: [(v["id"], v["impact"]) for v in vs] for k, vs in figures.items()})
    serious = {k: [v for v in vs if v["impact"] in ("serious", "critical")] for k, vs in figures.items()}
    assert not any(serious.values()), serious
    assert not watched.errors, watched.errors


def test_today_calendar_leaderboard_and_challenge_show_what_the_api_holds(
    chromium: Browser, web_url: str, dasher: Person
) -> None:
    page = signed_in(chromium, web_url, dasher).page
    streak = dasher.call("GET", "/v1/me/streak").json()
    assert streak["current_streak"] == 7

    open_page(page, web_url, "today")
    assert page.get_by_test_id("current-streak").inner_text() == "7"

    open_page(page, web_url, "calendar")
    cell = page.locator(f'.heatmap button[data-date="{dasher.today}"]')
    title = f"{dasher.today:%B} {dasher.today.day}, {dasher.today.year}: 1 h 00 min"
    assert cell.get_attribute("title") == title
    cell.click()
    assert page.get_by_test_id("day-why").inner_text().startswith("It counted: 1 h 00 min of focus")
    bounds = dasher.call("GET", f"/v1/me/days/{dasher.today}").json()
    assert bounds["starts_at"].startswith(str(dasher.today))  # the day starts at midnight: no day start set
    assert page.get_by_test_id("day-bounds").inner_text().startswith("This day runs from ")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "calendar-day-1280.png"), full_page=True)
    cell.focus()
    page.keyboard.press("ArrowLeft")  # a week back, as the grid is drawn
    week_ago = dasher.today - timedelta(days=7)
    assert page.evaluate("() => document.activeElement.dataset.date") == str(week_ago)

    open_page(page, web_url, "leaderboard")
    board = dasher.call("GET", "/v1/leaderboard", params={"scope": "global", "period": "week"}).json()
    assert page.get_by_test_id("my-rank").get_attribute("data-rank") == str(board["me"]["rank"])
    page.get_by_role("button", name="Jump to me").click()
    mine = page.locator('table[data-testid=board] tr[aria-current="true"]')
    mine.wait_for()
    assert mine.locator("td").first.inner_text() == str(board["me"]["rank"])
    assert "Dash Tester" in mine.inner_text()

    open_page(page, web_url, "challenges")
    item = page.locator("li", has_text="Dashboard minutes")
    assert item.locator(".progress-figures").inner_text() == "420 / 1,000"  # 7 hours of focus, in minutes
    assert item.locator("progress").get_attribute("value") == "420"


def test_a_reload_keeps_the_boards_scope_and_period_and_the_chosen_day(
    chromium: Browser, web_url: str, dasher: Person
) -> None:
    page = on_page(chromium, web_url, dasher, "leaderboard")
    page.get_by_role("button", name="Friends", exact=True).click()
    page.get_by_role("button", name="This month", exact=True).click()
    assert page.evaluate("() => location.hash") == "#/leaderboard?scope=friends&period=month"
    page.reload()
    page.wait_for_function("() => !document.querySelector('main .loading')", timeout=20_000)
    assert page.get_by_role("button", name="Friends", exact=True).get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="This month", exact=True).get_attribute("aria-pressed") == "true"

    open_page(page, web_url, "calendar")
    page.locator(f'.heatmap button[data-date="{dasher.today}"]').click()
    page.get_by_test_id("day-why").wait_for()
    page.reload()
    page.get_by_test_id("day-why").wait_for(timeout=20_000)
    chosen = page.locator(f'.heatmap button[data-date="{dasher.today}"]')
    assert chosen.get_attribute("aria-pressed") == "true"


def test_french_browsers_get_the_french_dashboard(chromium: Browser, web_url: str, dasher: Person) -> None:
    watched = signed_in(chromium, web_url, dasher, locale="fr-FR")
    page = watched.page
    open_page(page, web_url, "today")
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert page.locator("main h1").inner_text() == "Aujourd'hui"
    assert page.get_by_text("Série en cours").is_visible()
    assert not watched.errors, watched.errors


def test_a_503_is_retried_and_a_429_waits_for_its_retry_after(
    chromium: Browser, web_url: str, dasher: Person
) -> None:
    page = signed_in(chromium, web_url, dasher).page
    refused = {"count": 0}

    def unavailable_once(route: Route) -> None:
        if refused["count"] == 0:
            refused["count"] += 1
            body = {"error": {"code": "unavailable", "message": "Try again."}}
            route.fulfill(status=503, headers={"Retry-After": "1"}, json=body)
        else:
            route.continue_()

    page.route("**/v1/me/streak", unavailable_once)
    open_page(page, web_url, "friends")
    open_page(page, web_url, "today")  # Today mounts again, after the route is in place
    assert refused["count"] == 1
    assert page.get_by_test_id("current-streak").inner_text() == "7"
    page.unroute("**/v1/me/streak")

    limited = {"error": {"code": "rate_limited", "message": "Too many requests."}}
    page.route("**/v1/me/badges", lambda r: r.fulfill(status=429, headers={"Retry-After": "3"}, json=limited))
    open_page(page, web_url, "badges")
    notice = page.locator('main [role=alert][data-code="rate_limited"]')
    assert "Too many requests." in notice.inner_text()
    retry = notice.get_by_role("button")
    assert retry.is_disabled()
    assert "Try again in" in retry.inner_text()
    page.unroute("**/v1/me/badges")
    started = time.monotonic()
    page.wait_for_function(
        "() => !document.querySelector('main [role=alert] button')?.disabled", timeout=10_000
    )
    assert time.monotonic() - started >= 1.5  # it waited for Retry-After, not a fixed short delay
    retry.click()
    page.locator("[data-testid^=badge-]").first.wait_for()


def test_deleting_the_account_from_the_dashboard_erases_it_and_signs_out(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    leaving = person(auth_emulator, api_url, name="Leaving Soon")
    page = on_page(chromium, web_url, leaving, "data")
    button = page.get_by_role("button", name="Delete my account")
    assert button.is_disabled()
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    button.click()
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=60_000)
    assert leaving.call("GET", "/v1/me/streak").status_code == 401


def test_settings_are_saved_through_the_api_and_a_refusal_names_its_field(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    who = person(auth_emulator, api_url, name="Before")
    page = on_page(chromium, web_url, who, "settings")
    page.get_by_label("Display name").fill("After")
    page.get_by_label("Friends only").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    stored = who.call("GET", "/v1/me/settings").json()
    assert (stored["display_name"], stored["leaderboard_visibility"]) == ("After", "friends")

    page.get_by_label("My day starts at").select_option("04:00")  # a night owl: from tomorrow on
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("day-start-next").wait_for()
    assert "04:00" in page.get_by_test_id("day-start-next").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "settings-day-start-1280.png"), full_page=True)
    stored = who.call("GET", "/v1/me/settings").json()
    assert (stored["day_start"], stored["day_start_next"]["day_start"]) == ("00:00", "04:00")

    page.get_by_label("Display name").fill("Tab\there")  # a control character: the API says no
    page.get_by_role("button", name="Save").click()
    refusal = page.locator("#display_name-error")
    refusal.wait_for()
    assert refusal.inner_text()
    assert who.call("GET", "/v1/me/settings").json()["display_name"] == "After"


def test_the_export_downloads_and_a_wrong_session_is_removed_after_a_second_click(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    who = person(auth_emulator, api_url, name="Tidy")
    page = on_page(chromium, web_url, who, "data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download export").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["user_id"] == who.uid
    assert len(exported["sessions"]) == 7

    newest = page.locator("tbody tr").first  # newest first: today's hour
    newest.get_by_role("button", name="Remove").click()
    newest.get_by_role("button", name="Remove this session? Click again to confirm.").click()
    page.wait_for_function("() => document.querySelectorAll('tbody tr').length === 6", timeout=20_000)
    streak = who.call("GET", "/v1/me/streak").json()
    assert streak["today"]["seconds"] == 0
    assert streak["current_streak"] == 6


def test_the_friends_page_shows_each_friend_streak_with_both_marks_and_nudges(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    ana, ben = (
        person(auth_emulator, api_url, name="Ana Pair"),
        person(auth_emulator, api_url, name="Ben Pair"),
    )
    assert ana.call("POST", "/v1/friends/requests", json={"user_id": ben.uid}).status_code == 201
    assert ben.call("POST", f"/v1/friends/requests/{ana.uid}:accept").status_code == 200
    invited = ana.call("POST", "/v1/friend-streaks", json={"user_id": ben.uid})
    assert invited.status_code == 201, invited.text
    sid = invited.json()["friend_streak"]["id"]
    page = on_page(chromium, web_url, ben, "friends")
    row = page.get_by_test_id(f"pair-{ana.uid}")
    assert "Ana Pair invited you to keep a streak together." in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    row.get_by_test_id("pair-friend").wait_for()
    # Both focused today (the person fixture's sessions): the pair's date counts, one day together.
    assert row.get_by_test_id("pair-me").inner_text() == "you focused"
    assert row.get_by_test_id("pair-friend").inner_text() == "Ana Pair focused"
    assert "Together: 1 · best: 1" in row.inner_text()
    row.get_by_role("button", name="Nudge Ana Pair").click()
    row.get_by_role("button", name="Nudged").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "friend-streaks-1280.png"), full_page=True)
    again = ben.call("POST", f"/v1/friend-streaks/{sid}:nudge")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_nudged")  # the page's nudge
    assert not [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]


def test_the_wrapped_page_shows_the_years_figures_and_both_cards(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    who = person(auth_emulator, api_url, name="Wrapped Tester")
    page = on_page(chromium, web_url, who, "wrapped")
    figures = page.get_by_test_id("wrapped-figures")
    figures.wait_for()
    # The person fixture's week: 7 days of an hour each.
    assert "7 h 00 min" in figures.inner_text()
    for size, width in (("landscape", 1200), ("story", 1080)):
        card = page.get_by_test_id(f"wrapped-{size}")
        card.wait_for()
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=wrapped-{size}]').naturalWidth === {width}"
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "wrapped-1280.png"), full_page=True)
    assert not [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]


def test_the_analytics_page_is_listed_for_admins_and_shows_the_figures(
    chromium: Browser, web_url: str, auth_emulator: AuthEmulator, api_url: str
) -> None:
    plain = person(auth_emulator, api_url, name="Not An Admin")
    page = on_page(chromium, web_url, plain, "today")
    assert page.locator('nav a[href="#/analytics"]').count() == 0
    admin = person(auth_emulator, api_url, name="Product Team")
    auth_emulator.token_with_claims(admin.uid, admin.email, {"admin": True})
    page = signed_in(chromium, web_url, admin).page
    page.locator('nav a[href="#/analytics"]').wait_for()
    open_page(page, web_url, "analytics")
    page.get_by_test_id("reactivation-table").wait_for()
    page.locator(".chart canvas").first.wait_for()
    sessions = page.locator(".card", has_text="Sessions").locator(".figure").inner_text()
    assert int(sessions.replace(",", "")) >= 7  # at least the admin's own week of sessions
    assert "Lift of the messages" in page.get_by_test_id("lift").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "analytics-1280.png"), full_page=True)
    assert not [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
