"""Teams cards on a 360 px phone: every button title whole, every choice wrapped.

The cards come from the real service through the fake connector (a pairing's introduction,
kick-off, prompt and nudge, the end question and its confirmation, the leave question, the
survey, the admin's confirmations), drawn with tests/support/card_preview.py in Debian's
Chromium at 360 px and measured. The screenshot is kept in TURNABOUT_SCREENSHOTS (else the
test's tmp dir) to look at. Every Teams test also checks each card's JSON against the same
widths (tests/support/adaptive_cards.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.program import Program
from core.clock import FrozenClock
from tests.support import card_preview
from tests.support.browser import chromium, screenshot_dir
from tests.support.drivers import ADMIN, for_scenarios
from tests.support.drivers.journeys import started
from tests.support.drivers.teams import TeamsChatWorld, teams_chat
from tests.support.fake_teams import actions_of

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # past 09:30 in London, Sam's morning


async def a_pairings_cards(chat: TeamsChatWorld) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    ada = chat.person(ADMIN)
    await ada.say("admin cohort start Autumn")
    jo, sam = await started(chat)
    await chat.tick(MONDAY)  # the first prompt
    await chat.tick(MONDAY + timedelta(days=16))  # quiet since: Sam's nudge
    await sam.say("end")
    await sam.say("end we drifted apart")
    await ada.say("admin cohort close")
    await ada.say("admin announce Round two starts Monday!")
    await jo.say("leave")
    await jo.say("profile")
    return [(f"{n} · {(card['body'][0].get('text') or '')[:40]}", card)
            for n, call in enumerate(chat.teams.connector.messages, start=1)
            for card in call.cards]


async def test_no_button_title_or_choice_is_cut_on_a_360_px_phone(
    database_url: str, program: Program, clock: FrozenClock, tmp_path: Path
) -> None:
    executable = chromium()
    async with teams_chat(database_url, for_scenarios(program), clock) as chat:
        cards = await a_pairings_cards(chat)
    titles = {a["title"] for _, card in cards for a in actions_of(card)}
    assert {"We met", "Skip", "Another", "End the pairing", "Keep it", "Close the cohort",
            "Send", "Leave and delete my data"} <= titles  # the cards this test is about

    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 360, "height": 800})
        shots = screenshot_dir(tmp_path)
        (shots / "teams-cards-360px.html").write_text(card_preview.page(cards))
        await page.set_content(card_preview.page(cards))
        cut = await page.evaluate(card_preview.CUT_SCRIPT)
        await page.screenshot(path=str(shots / "teams-cards-360px.png"), full_page=True)
        await browser.close()
    assert cut == []
