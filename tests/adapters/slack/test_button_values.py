"""Buttons whose value is not an id the bot could have made (too big for the database, negative,
not a number) get the "That button has expired" answer, never "something went wrong"."""

from __future__ import annotations

from config.program import Program
from core.clock import FrozenClock
from features.admin import cohorts, program_team
from features.engagement import nudges
from features.engagement import prompts as weekly_prompts
from features.feedback import pulse
from features.matching import endings, intros
from features.matching import round as match_round
from tests.support.slack_people import ADMIN, JUNIOR, join, with_admin
from tests.support.slack_requests import slack_workspace

# Every button whose value carries a row id (or, for pausing, a number of days).
ID_BUTTONS = (endings.END, endings.KEEP, intros.AGREE, cohorts.OPEN, cohorts.CLOSE, cohorts.KEEP_OPEN,
              program_team.SEND, program_team.CANCEL, endings.UNPAIR, endings.KEEP_PAIRED, pulse.OPEN, match_round.CONFIRM,
              match_round.DISCARD, program_team.MESSAGE_PAIR, program_team.UNPAIR_PAIR,
              weekly_prompts.MET, weekly_prompts.SKIP, weekly_prompts.ANOTHER, nudges.SCHEDULE,
              nudges.PAUSE_FOR)
# Beyond any integer column, beyond PostgreSQL's INTEGER, negative, words, a digit int() can't
# read, and nothing at all.
NOT_IDS = ("99999999999999999999999", "2147483648", "-1", "abc", "²", "")


async def test_a_button_value_that_is_no_valid_id_gets_the_expired_answer(
    database_url: str, program: Program, clock: FrozenClock
) -> None:
    async with slack_workspace(database_url, with_admin(program), clock) as ws:
        await join(ws, ADMIN, JUNIOR)  # a member and the admin: every flow gets that far
        answers: dict[tuple[str, str], str] = {}
        for action_id in ID_BUTTONS:
            for value in NOT_IDS:
                key = ws.fresh("press")
                reply = await ws.press(action_id, value, ADMIN, reply_key=key)
                assert reply.status == 200
                await ws.settle()
                answers[action_id, value] = str(ws.fake.responses(key))

        wrong = {k: a for k, a in answers.items() if "That button has expired" not in a}
        assert wrong == {}
        assert not [a for a in answers.values() if "something went wrong" in a]
