"""The assignment: the pairs with the highest total score over the whole pool.

This is a maximum-weight bipartite matching, with each mentor repeated once per free place.
Small pools are solved exactly on the dense score matrix. Large pools keep each person's best
candidates (top-k per mentee and per mentor), solve that sparse graph exactly, then solve the
leftovers exactly again, so nobody is left waiting while a fitting partner still has room.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

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
from features.matching.engine.scoring import (
    Pool,
    block_scores,
    encode_pool,
    pair_reasons,
    pair_score,
    rule_masks,
)

Method = Literal["auto", "dense", "sparse"]

# Tuned with bench/matching.py on 2 cores. The exact dense solve stays under ~1 s up to about
# 2,000 x 2,000 places x mentees; beyond, its time grows much faster than the sparse path's.
DENSE_MAX_CELLS = 4_000_000
# Candidates kept per person on the sparse path: 64 kept >= 0.9997 of the optimum on the
# 5,000 and 10,000 benchmark cohorts, 32 only about 0.9989.
DEFAULT_TOP_K = 64
# Cells scored at once: bounds the temporaries of a block (~150 MB at 4M cells).
_BLOCK_CELLS = 4_000_000

_Pairs = tuple[np.ndarray, np.ndarray]  # (mentor rows, mentee rows)


def propose(
    mentors: Sequence[Participant],
    mentees: Sequence[Participant],
    weights: Weights,
    rules: Rules,
    forbidden: Collection[tuple[int, int]] = (),
    topic_labels: Mapping[str, str] | None = None,
    *,
    at: datetime | None = None,
    method: Method = "auto",
    top_k: int = DEFAULT_TOP_K,
) -> Proposal:
    """Propose pairs that maximise the total score, and say why everyone else is waiting.

    Hard rules: never the same team; the mentee at least `min_seniority_gap` levels above the
    mentor; different departments if asked; never a forbidden pair; a mentor takes at most
    min(capacity, k) mentees and a mentee one mentor. And a pair must have something to talk
    about: the mentor teaches at least one topic the mentee wants to learn.
    `forbidden` holds (mentor_id, mentee_id) pairs never to propose. `at` fixes the moment whose
    UTC offsets (DST) are compared; it defaults to now. `method` forces the dense or sparse path,
    `top_k` sets how many candidates per person the sparse path keeps.
    """
    for people, role in ((mentors, "mentor"), (mentees, "mentee")):
        ids = [p.id for p in people]
        if len(set(ids)) != len(ids):
            raise ValueError(f"a {role} id appears more than once")
    if top_k < 1:
        raise ValueError("top_k must be >= 1")
    at = at or datetime.now(UTC)
    # Someone signed up on both sides must never be paired with themself.
    both = {p.id for p in mentors} & {p.id for p in mentees}
    pool = encode_pool(mentors, mentees, weights, rules, [*forbidden, *((i, i) for i in both)], at)

    rows, cols = _assign(pool, method, top_k)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    labels = topic_labels or {}
    pairs = tuple(
        ProposedPair(
            mentor_id=mentors[r].id,
            mentee_id=mentees[c].id,
            score=pair_score(mentors[r], mentees[c], weights, at),
            reasons=pair_reasons(mentors[r], mentees[c], at, labels),
        )
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
    )
    waitlist = _waitlist(pool, "mentor", np.setdiff1d(np.arange(len(mentors)), rows)) + _waitlist(
        pool, "mentee", np.setdiff1d(np.arange(len(mentees)), cols)
    )
    return Proposal(pairs, waitlist, math.fsum(p.score for p in pairs))


# -- solving ----------------------------------------------------------------------------------


def _empty() -> _Pairs:
    return np.empty(0, np.int64), np.empty(0, np.int64)


def _spans(n: int, step: int) -> Iterator[np.ndarray]:
    step = max(1, step)
    for start in range(0, n, step):
        yield np.arange(start, min(n, start + step))


def _assign(pool: Pool, method: Method, top_k: int) -> _Pairs:
    slots = pool.mentors.slots
    rows, cols = np.arange(len(slots)), np.arange(len(pool.mentees.ids))
    cells = int(slots.sum()) * len(cols)
    if method == "dense" or (method == "auto" and cells <= DENSE_MAX_CELLS):
        return _dense(pool, rows, cols, slots)
    r, c = _sparse(pool, rows, cols, slots, top_k)
    # The candidate lists may have hidden someone's only free partner: solve what is left over
    # until nobody who waits has a fitting partner with room. Every sparse round that does not
    # end it adds a pair (each mentee keeps its best allowed mentor), so the loop terminates.
    while True:
        free = slots - np.bincount(r, minlength=len(slots))
        left_rows, left_cols = np.flatnonzero(free > 0), np.setdiff1d(cols, c)
        if not len(left_rows) or not len(left_cols):
            break
        exact = int(free[left_rows].sum()) * len(left_cols) <= DENSE_MAX_CELLS
        if exact:
            more_r, more_c = _dense(pool, left_rows, left_cols, free[left_rows])
        else:
            more_r, more_c = _sparse(pool, left_rows, left_cols, free[left_rows], top_k)
        r, c = np.concatenate([r, more_r]), np.concatenate([c, more_c])
        if exact or not len(more_r):
            break
    return r, c


def _dense(pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray) -> _Pairs:
    """Exact: shortest augmenting paths (scipy's Jonker-Volgenant variant) on the full matrix,
    mentors repeated once per place."""
    if not len(rows) or not len(cols):
        return _empty()
    score = np.empty((len(rows), len(cols)))
    for span in _spans(len(cols), _BLOCK_CELLS // len(rows)):
        score[:, span] = block_scores(pool, rows, cols[span])
    # People without a single allowed partner only make the matrix bigger.
    live_r = np.flatnonzero(score.any(axis=1) & (slots > 0))
    live_c = np.flatnonzero(score.any(axis=0))
    if not len(live_r) or not len(live_c):
        return _empty()
    owner = np.repeat(live_r, slots[live_r])
    whole = len(owner) == len(live_r) == len(rows) and len(live_c) == len(cols)
    cost = score if whole else score[np.ix_(owner, live_c)]
    del score
    np.negative(cost, out=cost)  # in place: maximize=True would copy the whole matrix
    r, c = linear_sum_assignment(cost)
    keep = cost[r, c] < 0
    return rows[owner[r[keep]]], cols[live_c[c[keep]]]


def _top(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and values of the k largest entries of each row, in no particular order."""
    if k >= score.shape[1]:
        return np.broadcast_to(np.arange(score.shape[1]), score.shape), score
    top = np.argpartition(score, score.shape[1] - k, axis=1)[:, -k:]
    return top, np.take_along_axis(score, top, axis=1)


def _sparse(
    pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray, top_k: int
) -> _Pairs:
    """Exact on a candidate graph: each mentee's top_k mentors and each mentor's top mentees."""
    rows, slots = rows[slots > 0], slots[slots > 0]
    if not len(rows) or not len(cols):
        return _empty()
    n_rows, n_cols = len(rows), len(cols)
    k_col = min(top_k, n_rows)
    k_row = min(top_k * int(slots.max()), n_cols)  # a mentor with more places needs more options
    best_val, best_col = np.empty((n_rows, 0), np.float32), np.empty((n_rows, 0), np.int64)
    edge_r: list[np.ndarray] = []
    edge_c: list[np.ndarray] = []
    edge_w: list[np.ndarray] = []
    for span in _spans(n_cols, _BLOCK_CELLS // n_rows):
        # float32 is plenty for choosing candidates and ranks them twice as fast.
        score = block_scores(pool, rows, cols[span], np.float32)
        # Partitioning along contiguous rows is much faster, hence the transposed copy.
        top, val = _top(np.ascontiguousarray(score.T), k_col)
        ok = val > 0
        edge_r.append(top[ok])
        edge_c.append(np.broadcast_to(span[:, None], top.shape)[ok])
        edge_w.append(val[ok])
        # Keep a running top k_row per mentor across the column blocks.
        top, val = _top(score, k_row)
        keep, best_val = _top(np.concatenate([best_val, val], axis=1), k_row)
        best_col = np.take_along_axis(np.concatenate([best_col, span[top]], axis=1), keep, axis=1)
    ok = best_val > 0
    edge_r.append(np.broadcast_to(np.arange(n_rows)[:, None], ok.shape)[ok])
    edge_c.append(best_col[ok])
    edge_w.append(best_val[ok])
    er, ec = np.concatenate(edge_r), np.concatenate(edge_c)
    ew = np.concatenate(edge_w).astype(np.float64)
    _, first = np.unique(er * n_cols + ec, return_index=True)
    r, c = _match_graph(er[first], ec[first], ew[first], slots)
    return rows[r], cols[c]


def _match_graph(er: np.ndarray, ec: np.ndarray, ew: np.ndarray, slots: np.ndarray) -> _Pairs:
    """Maximum-weight matching on the edges (mentor er, mentee ec, score ew > 0)."""
    if not len(er):
        return _empty()
    # Only people with an edge take part; then mentor places become rows of their own.
    used_r, er = np.unique(er, return_inverse=True)
    used_c, ec = np.unique(ec, return_inverse=True)
    places = slots[used_r]
    first_place = np.cumsum(places) - places
    copies = places[er]
    edge = np.repeat(np.arange(len(er)), copies)
    nth = np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
    a, b, w = first_place[er][edge] + nth, ec[edge], ew[edge]
    n_a, n_b = int(places.sum()), len(used_c)
    # The solver wants rows <= columns; put the smaller side on the rows.
    swapped = n_a > n_b
    if swapped:
        a, b, n_a, n_b = b, a, n_b, n_a
    # A full matching of the rows must exist, so every row gets a private "stay unmatched"
    # partner. Costs are shifted to stay > 0 because sparse matrices drop explicit zeros; every
    # row is matched exactly once, so the shift does not change which matching is cheapest.
    shift = float(w.max()) + 1.0
    graph = csr_matrix(
        (
            np.concatenate([shift - w, np.full(n_a, shift)]),
            (np.concatenate([a, np.arange(n_a)]), np.concatenate([b, n_b + np.arange(n_a)])),
        ),
        shape=(n_a, n_b + n_a),
    )
    ma, mb = min_weight_full_bipartite_matching(graph)
    real = mb < n_b
    place, mentee = (mb[real], ma[real]) if swapped else (ma[real], mb[real])
    place_owner = np.repeat(np.arange(len(used_r)), places)
    return used_r[place_owner[place]], used_c[mentee]


# -- the waitlist -----------------------------------------------------------------------------


def _why(code: WaitlistCode, role: Role, rules: Rules) -> str:
    other = "mentee" if role == "mentor" else "mentor"
    gap = rules.min_seniority_gap
    levels = f" (at least {gap} level{'' if gap == 1 else 's'} {{}} you)" if gap else ""
    texts: dict[WaitlistCode, str] = {
        "nobody_on_other_side": f"There are no {other}s signed up for this round yet",
        "same_team": f"Every possible {other} is on your own team",
        "same_department": f"Every possible {other} is in your own department",
        "forbidden": f"Every {other} who would fit has been paired with you before "
        "or was marked as not a good match",
        "outmatched": f"The {other}s who fit are already paired with a better-fitting {role}",
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


def _waitlist(pool: Pool, role: Role, idx: np.ndarray) -> tuple[Waitlisted, ...]:
    """Waitlist entries for the unmatched rows `idx` of one side, naming the rule that blocked
    them: the rules filter the other side in turn, and the first to leave nobody is the reason;
    if somebody is left, the optimum gave them to someone else."""
    side, other = (pool.mentors, pool.mentees) if role == "mentor" else (pool.mentees, pool.mentors)
    if not len(idx):
        return ()
    names: list[WaitlistCode] = ["nobody_on_other_side"]
    counts = np.zeros((1, len(idx)), np.int64)
    for span in _spans(len(other.ids), _BLOCK_CELLS // len(idx)):
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
