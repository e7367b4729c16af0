"""The pair score of scoring.py for whole blocks of the pool at once, vectorised with numpy.

Apart from scoring.py because this is the matching's hot path at scale: the pool encoded once
into arrays (encode_pool), the hard rules as boolean masks (rule_masks), and scores computed a
bounded block of cells at a time (block_scores, BLOCK_CELLS). It must agree with pair_score,
which tests/features/matching/engine/test_scoring.py checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

import numpy as np

from features.matching.engine.model import Participant, Rules, WaitlistCode, Weights
from features.matching.engine.scoring import (
    WORKDAY_HOURS,
    as_aware,
    cadence_closeness,
    canonical_cadence,
    utc_offset_hours,
)

# Cells scored at once: bounds the temporaries of a block (~150 MB at 4M cells).
BLOCK_CELLS = 4_000_000


def spans(n: int, step: int) -> Iterator[np.ndarray]:
    """Consecutive index ranges of at most `step` (>= 1) covering range(n)."""
    step = max(1, step)
    for start in range(0, n, step):
        yield np.arange(start, min(n, start + step))


@dataclass(frozen=True)
class Side:
    """One side of the pool as arrays; row i is the i-th participant given."""

    ids: np.ndarray
    team: np.ndarray  # integer codes, shared with the other side
    department: np.ndarray
    seniority: np.ndarray
    rhythm: np.ndarray  # code of (timezone, cadence); indexes Pool.rhythm_score
    teaches: np.ndarray  # (n, topics) 0/1, float so topic overlap is one matrix product
    learns: np.ndarray
    slots: np.ndarray  # how many partners each may take


@dataclass(frozen=True)
class Pool:
    mentors: Side
    mentees: Side
    rhythm_score: np.ndarray  # weighted timezone + cadence part of the score, per rhythm pair
    forbidden: tuple[np.ndarray, np.ndarray]  # (mentor rows, mentee rows)
    weights: Weights
    rules: Rules
    # Pairs kept apart by a rule of their own (reporting line, don't-pair-with), so a waitlist
    # reason can name the rule: (code, mentor rows, mentee rows).
    blocked: tuple[tuple[WaitlistCode, np.ndarray, np.ndarray], ...] = ()


def _codes(values: Sequence[object], table: dict[object, int]) -> np.ndarray:
    return np.fromiter((table.setdefault(v, len(table)) for v in values), np.int32, len(values))


def _topic_matrix(sets: Sequence[frozenset[str]], vocab: Mapping[str, int]) -> np.ndarray:
    # float32 counts are exact and make the overlap products cheaper than float64 or integers.
    out = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    out[rows, [vocab[t] for s in sets for t in s]] = 1.0
    return out


def encode_pool(
    mentors: Sequence[Participant],
    mentees: Sequence[Participant],
    weights: Weights,
    rules: Rules,
    forbidden: Iterable[tuple[int, int]],
    at: datetime,
    blocked: Mapping[WaitlistCode, Iterable[tuple[int, int]]] | None = None,
) -> Pool:
    at = as_aware(at)
    everyone = [*mentors, *mentees]
    vocab = {
        t: i for i, t in enumerate(sorted({t for p in everyone for t in p.teaches | p.learns}))
    }
    teams: dict[object, int] = {}
    departments: dict[object, int] = {}
    rhythms: dict[object, int] = {}

    def side(people: Sequence[Participant], slots: np.ndarray) -> Side:
        return Side(
            ids=np.array([p.id for p in people], dtype=np.int64),
            team=_codes([p.team for p in people], teams),
            department=_codes([p.department for p in people], departments),
            seniority=np.array([p.seniority for p in people], dtype=np.int64),
            rhythm=_codes([(p.timezone, canonical_cadence(p.cadence)) for p in people], rhythms),
            teaches=_topic_matrix([p.teaches for p in people], vocab),
            learns=_topic_matrix([p.learns for p in people], vocab),
            slots=slots,
        )

    k = rules.max_mentees_per_mentor
    mentor_side = side(mentors, np.array([min(p.capacity, k) for p in mentors], dtype=np.int64))
    mentee_side = side(mentees, np.ones(len(mentees), dtype=np.int64))

    # Score the few distinct (timezone, cadence) combinations once; blocks then just look them up.
    keys = list(rhythms)
    offsets = np.array([utc_offset_hours(tz, at) for tz, _ in keys], dtype=float)  # None -> nan
    apart = np.abs(offsets[:, None] - offsets[None, :]) % 24
    overlap = np.clip(WORKDAY_HOURS - np.minimum(apart, 24 - apart), 0.0, None)
    overlap = np.nan_to_num(overlap, nan=0.0)
    closeness = np.array([[cadence_closeness(a, b) for _, b in keys] for _, a in keys])
    rhythm_score = weights.timezone * overlap / WORKDAY_HOURS + weights.cadence * closeness

    # Vectorised: programs that run many rounds forbid many pairs (earlier pairs, "don't pair
    # me with"), and a Python loop over millions of them would cost seconds.
    def located(given: Iterable[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        pairs = np.fromiter(chain.from_iterable(given), np.int64).reshape(-1, 2)
        rows, known_r = _positions(mentor_side.ids, pairs[:, 0])
        cols, known_c = _positions(mentee_side.ids, pairs[:, 1])
        known = known_r & known_c
        return rows[known], cols[known]

    kept_apart = tuple((code, *located(given)) for code, given in (blocked or {}).items())
    return Pool(mentor_side, mentee_side, rhythm_score, located(forbidden), weights, rules,
                kept_apart)


def _positions(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each wanted id sits in `ids` (unique), and whether it is there at all."""
    if not len(ids):
        return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), bool)
    order = np.argsort(ids)
    place = order[np.minimum(np.searchsorted(ids[order], wanted), len(ids) - 1)]
    return place, ids[place] == wanted


def rule_masks(
    pool: Pool, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, list[tuple[WaitlistCode, np.ndarray]]]:
    """Topic-overlap counts and one boolean mask per hard rule for the block rows x cols, in the
    order a waitlist reason is looked for: first whether anyone at all has the topics, then
    which rule took away those who have them (so "only your own team teaches it" is said as
    such, not as "nobody teaches it")."""
    m, n = pool.mentors, pool.mentees
    teach = m.teaches[rows] @ n.learns[cols].T
    lowest = m.seniority[rows] + pool.rules.min_seniority_gap  # most junior mentee allowed
    masks: list[tuple[WaitlistCode, np.ndarray]] = [
        ("no_topics", teach > 0),
        ("seniority", n.seniority[cols][None, :] >= lowest[:, None]),
        ("same_team", m.team[rows][:, None] != n.team[cols][None, :]),
    ]
    if pool.rules.different_departments:
        masks.append(
            ("same_department", m.department[rows][:, None] != n.department[cols][None, :])
        )
    row_pos = col_pos = None
    for code, f_rows, f_cols in (*pool.blocked, ("forbidden", *pool.forbidden)):
        allowed = np.ones((len(rows), len(cols)), dtype=bool)
        if len(f_rows):
            # Map the pairs into block coordinates; pairs outside the block drop out.
            if row_pos is None or col_pos is None:
                row_pos = np.full(len(m.ids), -1)
                row_pos[rows] = np.arange(len(rows))
                col_pos = np.full(len(n.ids), -1)
                col_pos[cols] = np.arange(len(cols))
            r, c = row_pos[f_rows], col_pos[f_cols]
            inside = (r >= 0) & (c >= 0)
            allowed[r[inside], c[inside]] = False
        masks.append((code, allowed))
    return teach, masks


def block_scores(
    pool: Pool, rows: np.ndarray, cols: np.ndarray, dtype: type[np.floating] = np.float64
) -> np.ndarray:
    """Scores for the block rows x cols, exactly 0 where a pair is not allowed (and > 0 else).
    float32 halves the memory traffic where only a ranking is needed."""
    teach, masks = rule_masks(pool, rows, cols)
    w, m, n = pool.weights, pool.mentors, pool.mentees
    allowed = masks[0][1]
    for _, mask in masks[1:]:
        allowed &= mask
    table = pool.rhythm_score.astype(dtype, copy=False)
    score = table.take((m.rhythm[rows] * table.shape[1])[:, None] + n.rhythm[cols][None, :])
    score += teach * dtype(w.teach)
    if w.learn_back:
        score += (m.learns[rows] @ n.teaches[cols].T) * dtype(w.learn_back)
    score *= allowed
    return score
