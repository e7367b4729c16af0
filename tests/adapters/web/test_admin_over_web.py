"""The whole program in the web chat: Ada, the demo admin, matches and checks the stats."""

from __future__ import annotations

from tests.support.web_chat import WebChat


async def test_ada_matches_two_people_and_both_find_the_introduction_in_their_inbox(
    web: WebChat,
) -> None:
    jo, sam, ada = web.person("jo"), web.person("sam", "Europe/London"), web.person("ada")
    await jo.join()
    await sam.join(role="mentee", seniority="director", department="finance", team="Treasury",
                   teach=["leadership"], learn=["ai-digital-tools"])
    assert "for the program team" in (await jo.say("admin match"))["messages"][0]["text"]

    preview = (await ada.say("admin match"))["messages"][0]
    confirm = preview["buttons"][0]
    confirmed = (await ada.press(confirm["action_id"], confirm["value"]))["messages"][0]
    assert confirmed["title"] == "Round #1 confirmed"
    for person in (jo, sam):
        titles = [m["message"]["title"] or "" for m in await person.inbox()]
        assert sum(t.startswith("Meet your reverse mentoring partner") for t in titles) == 1

    stats = (await ada.say("admin stats"))["messages"][0]
    assert stats["title"] == "Program stats" and "Pairs active: 1 (0 agreed)" in stats["text"]
    assert "for the program team" in (await sam.say("admin stats"))["messages"][0]["text"]
