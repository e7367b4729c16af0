"""Programs where senior mentees choose their mentors, and people to fill them."""

from __future__ import annotations

from typing import Literal

from config.admins import Admins
from config.program import Program

Mode = Literal["assigned", "self", "hybrid"]

# A senior in Finance who wants to learn AI tools; juniors below differ in how well they fit.
SENIOR: dict[str, str | tuple[str, ...]] = {
    "role": "mentee", "seniority": "director", "department": "finance", "team": "treasury",
    "teach": ("leadership",), "learn": ("ai-digital-tools", "social-media"),
    "cadence": "fortnightly", "timezone": "Europe/London",
    "goals": "Get confident with AI tools",
}
BEST_JUNIOR: dict[str, str | tuple[str, ...]] = {
    "learn": ("leadership",), "teach": ("ai-digital-tools", "social-media"),
    "department": "marketing", "team": "brand"}
GOOD_JUNIOR: dict[str, str | tuple[str, ...]] = {
    "teach": ("ai-digital-tools",), "department": "sales", "team": "inside-sales"}
SAME_TEAM_JUNIOR: dict[str, str | tuple[str, ...]] = {
    "teach": ("ai-digital-tools", "social-media"), "learn": ("leadership",),
    "department": "finance", "team": "treasury"}


def choosing(program: Program, mode: Mode = "self", *, blind: bool = True,
             admins: Admins | None = None, **matching: int) -> Program:
    """The program in `mode`, with blind review on or off and any other matching settings."""
    settings = program.matching.model_copy(update={"mode": mode, "blind_review": blind,
                                                   **matching})
    update: dict[str, object] = {"matching": settings}
    if admins is not None:
        update["admins"] = admins
    return program.model_copy(update=update)
