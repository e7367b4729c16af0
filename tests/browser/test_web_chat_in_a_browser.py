"""The web chat as a newcomer uses it: a real headless Chromium against the running demo.

One journey, because each step needs the ones before it: someone new joins (a wrong answer
first), reloads, the admin runs a round, a week passes and a prompt arrives marked new. Along
the way: one form per request, errors in place, no live stale buttons, no console errors, no
sideways scrolling on a phone."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.demo import demo_settings, seed
from config.program import Program
from core.clock import DemoClock
from tests.support import databases
from tests.support.browser import chromium, screenshot_dir
from tests.support.service import Running, make_settings, serve

START = datetime(2026, 12, 2, 9, 45, tzinfo=UTC)  # a Wednesday


@pytest.fixture
async def demo(program: Program, sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Running]:
    url = databases.fresh_sqlite(sqlite_template, tmp_path)
    settings = demo_settings(make_settings(url, program, web_chat=True))
    settings = type(settings)(**{**settings.__dict__, "database_url": url})
    async with serve(settings, DemoClock(START)) as running:
        await seed(running.service)
        yield running


@pytest.fixture
async def page(demo: Running, tmp_path: Path) -> AsyncIterator[Any]:
    executable = chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=executable,
                                               args=["--no-sandbox"])
        context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                            timezone_id="Europe/Berlin", locale="en-GB")
        page = await context.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        await page.goto(demo.url + "/")
        yield page
        await browser.close()


def expect(locator: Any) -> Any:
    from playwright.async_api import expect as playwright_expect

    return playwright_expect(locator)


async def act_as(page: Any, user: str) -> None:
    await page.select_option("#person", user)
    await expect(page.locator("#who")).to_contain_text(f"“{user}”")


async def say(page: Any, text: str) -> None:
    await page.fill("#input", text)
    await page.press("#input", "Enter")


async def assert_page_stays_put(page: Any) -> None:
    """Only the conversation scrolls: at any scroll position the page itself neither moves
    (hidden labels once stretched it) nor scrolls sideways."""
    for position in ("0", "el.scrollHeight / 2", "el.scrollHeight"):
        state = await page.evaluate(
            "(() => { const el = document.querySelector('.chat');"
            f" el.scrollTop = {position};"
            " const doc = document.scrollingElement;"
            " return [window.scrollY, doc.scrollHeight - doc.clientHeight,"
            " doc.scrollWidth - doc.clientWidth, el.scrollWidth - el.clientWidth]; })()")
        await page.mouse.wheel(0, 600)  # as a person scrolls: the page must not move
        assert state == [0, 0, 0, 0] and await page.evaluate("window.scrollY") == 0, state


async def fill_signup(page: Any, form: Any) -> None:
    await form.locator("input[type=radio][value=mentor]").check()
    await form.locator("select[name=department]").select_option("product")
    await form.locator("select[name=team]").select_option("design")
    await form.locator("select[name=seniority]").select_option("entry")
    await form.locator("input[type=radio][value=weekly]").check()
    await form.locator("input[type=radio][value=video]").check()


async def test_a_newcomer_tries_the_whole_program_in_a_real_browser(
    page: Any, demo: Running, tmp_path: Path
) -> None:
    shots = screenshot_dir(tmp_path / "screenshots")

    # Someone new is stored on the server, listed for everyone.
    await page.select_option("#person", "__new__")
    await page.fill("#new-name", "Lee Park")
    await page.click("#new-person button[type=submit]")
    await expect(page.locator("#who")).to_contain_text("lee-park")

    # Join with a wrong answer (a junior mentor who teaches nothing), then a right one.
    await page.click("[data-command=join]")
    form = page.locator("#log form.card")
    await form.wait_for()
    await fill_signup(page, form)
    await form.locator("button[type=submit]").click()
    teach_error = form.locator(".field.invalid .field-error")
    await teach_error.wait_for()
    await expect(page.locator("#log form.card")).to_have_count(1)  # errors in place, no copy
    assert "teach" in (await teach_error.inner_text()).lower()
    teach_legend = form.locator(".field.invalid legend")
    assert "optional" not in await teach_legend.inner_text()  # mentors must pick one
    focused = await page.evaluate("document.activeElement.closest('.field.invalid') !== null")
    assert focused, "focus moves to the first answer to fix"
    await page.screenshot(path=str(shots / "1-join-error-in-place.png"))
    await assert_page_stays_put(page)
    await teach_error.scroll_into_view_if_needed()

    await form.locator("input[name$='-teach'][value=ai-digital-tools]").check()
    await form.locator("button[type=submit]").click()
    await page.locator(".form.saved").wait_for()
    await expect(page.locator("#log form.card")).to_have_count(0)  # nothing to send twice
    assert "Saved ✓" in await page.locator(".form.saved").inner_text()
    await page.get_by_text("Welcome to Turnabout!").wait_for()
    # The answer to a request is no news, whichever poll brought it (app.js: asking).
    await expect(page.locator(".entry.new")).to_have_count(0)
    await page.screenshot(path=str(shots / "2-join-saved.png"))

    # A reload keeps the history: what Lee typed, the saved answers, the welcome.
    await page.reload()
    await expect(page.locator("#who")).to_contain_text("lee-park")
    await page.get_by_text("Welcome to Turnabout!").wait_for()
    await expect(page.locator(".entry.me .typed", has_text="join")).to_have_count(1)
    await expect(page.locator(".form.saved")).to_have_count(1)
    await expect(page.locator("#log form.card")).to_have_count(0)
    await expect(page.locator(".entry.new")).to_have_count(0)

    # The admin runs a round and confirms it; the pressed button is done, not live.
    await act_as(page, "ada")
    await say(page, "admin match")
    confirm = page.locator("#log button", has_text="Confirm")
    await confirm.wait_for()
    await confirm.click()
    await page.locator(".entry.bot[data-state=done]").wait_for()
    await expect(page.locator("#log button:not([disabled])", has_text="Confirm")).to_have_count(0)
    await page.screenshot(path=str(shots / "3-admin-confirmed.png"))
    await page.reload()  # after a reload the pressed button is still done
    await expect(page.locator("#who")).to_contain_text("“ada”")
    await page.locator(".entry.bot[data-state=done]", has_text="Confirm").wait_for()
    await expect(page.locator("#log button:not([disabled])", has_text="Confirm")).to_have_count(0)

    # A week passes on the demo clock: Jo's prompt arrives, marked new, counted under Act as.
    await page.click("#clock-week")
    await expect(page.locator("#clock-note")).to_contain_text("7 days later")
    await expect(page.locator("#person option[value=jo]")).to_have_text(re.compile(r" new$"))
    await act_as(page, "jo")
    fresh = page.locator(".entry.bot.new")
    await fresh.first.wait_for()
    await expect(fresh.last.locator(".time")).to_contain_text("· new")
    await expect(fresh.last.locator(".time")).to_contain_text("Dec")
    await page.screenshot(path=str(shots / "4-a-week-later-jo.png"))

    await assert_page_stays_put(page)

    # Phone size: nothing scrolls sideways, with messages and with a form open.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.wait_for_function("window.innerWidth === 390 && window.innerHeight === 844")
    await assert_page_stays_put(page)
    await page.screenshot(path=str(shots / "5-phone.png"))
    await act_as(page, "lee-park")
    await say(page, "profile")
    await page.locator("#log form.card").wait_for()
    await assert_page_stays_put(page)
    # Long answers are not cut silently: the counter counts an emoji once and says the limit.
    goals = page.locator("#log form.card textarea[name=goals]")
    await goals.fill("🙂" * 10)
    counter = page.locator("#log form.card .field:has(textarea[name=goals]) .counter")
    await expect(counter).to_have_text(re.compile(r"^10 / \d+$"))
    await goals.fill("x" * 501)
    await expect(counter).to_contain_text("1 character too many")
    await goals.fill("")
    await page.locator("#log form.card h2").scroll_into_view_if_needed()
    await page.screenshot(path=str(shots / "6-phone-form.png"))

    assert page.problems == []
