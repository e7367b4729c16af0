"""The matching engine: pure functions from a pool of participants to proposed pairs.

No database, no chat platform: only the standard library, numpy and scipy. `propose` is the
engine; a round runs it in a worker process (features/matching/round_run.py).
"""

from features.matching.engine.model import (
    Participant,
    Proposal,
    ProposedPair,
    Role,
    Rules,
    WaitlistCode,
    Waitlisted,
    Weights,
)
from features.matching.engine.scoring import pair_reasons, pair_score
from features.matching.engine.solver import DEFAULT_TOP_K, Method, propose

__all__ = [
    "DEFAULT_TOP_K",
    "Method",
    "Participant",
    "Proposal",
    "ProposedPair",
    "Role",
    "Rules",
    "WaitlistCode",
    "Waitlisted",
    "Weights",
    "pair_reasons",
    "pair_score",
    "propose",
]
