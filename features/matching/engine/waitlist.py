"""Why each person left unmatched is waiting, in words addressed to them and as a code."""

from __future__ import annotations

import numpy as np

from features.matching.engine.model import Role, Rules, WaitlistCode, Waitlisted
from features.matching.engine.pool_scoring import BLOCK_CELLS, Pool, rule_masks, spans


def _why(code: WaitlistCode, role: Role, rules: Rules) -> str:
    other = "mentee" if role == "mentor" else "mentor"
    gap = rules.min_seniority_gap
    levels = f" (at least {gap} level{'' if gap == 1 else 's'} {{}} you)" if gap else ""
    texts: dict[WaitlistCode, str] = {
        "nobody_on_other_side": f"There are no {other}s signed up for this round yet",
        "same_team": f"Every possible {other} is on your own team",
        "same_department": f"Every possible {other} is in your own department",
        "reporting_line": f"Every possible {other} is in your own reporting line",
        # Never says who, nor that someone asked: the wish is confidential.
        "do_not_pair": f"No available {other} fits the program's rules yet",
        "forbidden": f"Every {other} who would fit has been paired with you before "
        "or was marked as not a good match",
        # The round pairs as many people as possible, so this is the whole truth: taking one of
        # those partners would have left someone else without any.
        "outmatched": f"Every {other} who fits is already paired with someone else this round",
    }
    if role == "mentor":
        texts["no_capacity"] = "Your mentee capacity is set to zero for this round"
        texts["seniority"] = "No mentee is senior enough" + levels.format("above")
        texts["no_topics"] = "No senior mentee wants to learn what you can teach yet"
    else:
        texts["no_capacity"] = "The mentors who would fit have no free places this round"
        texts["seniority"] = "No mentor is junior enough" + levels.format("below")
        texts["no_topics"] = "No junior mentor can teach what you want to learn yet"
    return texts[code]


def waitlist(pool: Pool, role: Role, idx: np.ndarray) -> tuple[Waitlisted, ...]:
    """Waitlist entries for the unmatched rows `idx` of one side, naming the rule that blocked
    them: the rules filter the other side in turn, and the first to leave nobody is the reason;
    if somebody is left, the round gave them to someone else."""
    side, other = (pool.mentors, pool.mentees) if role == "mentor" else (pool.mentees, pool.mentors)
    if not len(idx):
        return ()
    names: list[WaitlistCode] = ["nobody_on_other_side"]
    counts = np.zeros((1, len(idx)), np.int64)
    for span in spans(len(other.ids), BLOCK_CELLS // len(idx)):
        if role == "mentor":
            _, masks = rule_masks(pool, idx, span)
            axis = 1
        else:
            _, masks = rule_masks(pool, span, idx)
            masks.append(("no_capacity", (other.slots[span] > 0)[:, None]))
            axis = 0
        names = ["nobody_on_other_side", *(name for name, _ in masks)]
        running = np.ones(masks[0][1].shape, dtype=bool)
        sizes = [running.sum(axis=axis)]
        sizes += [(running := running & mask).sum(axis=axis) for _, mask in masks]
        counts = counts + np.stack(sizes)
    blocked = counts == 0
    first = np.argmax(blocked, axis=0)
    codes = [names[f] if blocked[f, i] else "outmatched" for i, f in enumerate(first.tolist())]
    if role == "mentor":
        codes = [
            "no_capacity" if side.slots[j] == 0 else c for j, c in zip(idx, codes, strict=True)
        ]
    return tuple(
        Waitlisted(int(side.ids[j]), role, _why(code, role, pool.rules), code)
        for j, code in zip(idx.tolist(), codes, strict=True)
    )
