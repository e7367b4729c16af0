"""The assignment: as many pairs as the pool allows, and among those the highest total score.

This is a maximum-cardinality maximum-weight bipartite matching, each mentor repeated once per
free place. Both solvers get it from one min-cost assignment in which leaving a place or a
mentee unmatched costs more than any total score could win back, so a pair more always beats a
better fit. Small pools are solved exactly on the dense score matrix. Large pools keep each
person's best candidates (top-k per mentee and per mentor) and solve that graph exactly; when
it might hold fewer pairs than the pool allows, a maximum-cardinality matching over every allowed
pair is added to it, so the number of pairs is still the largest possible.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from features.matching.engine.candidates import Edges, candidate_graph
from features.matching.engine.cardinality import maximum_matching
from features.matching.engine.model import (
    Participant,
    Proposal,
    ProposedPair,
    Rules,
    WaitlistCode,
    Weights,
)
from features.matching.engine.pool_scoring import (
    BLOCK_CELLS,
    Pool,
    block_scores,
    encode_pool,
    spans,
)
from features.matching.engine.scoring import pair_reasons, pair_score
from features.matching.engine.waitlist import waitlist

Method = Literal["auto", "dense", "sparse"]

# Tuned with bench/matching.py on 2 cores. The exact dense solve stays under ~1 s up to about
# 2,000 x 2,000 places x mentees; beyond, its time grows much faster than the sparse path's.
DENSE_MAX_CELLS = 4_000_000
# Candidates kept per mentee on the sparse path; each mentor keeps a third as many per place.
# On the 5,000 and 10,000 benchmark cohorts 192 keeps >= 0.99999 of the optimum, 128 (both
# sides) about 0.99997 and 64 only about 0.9997; mentees' lists matter more than mentors'.
DEFAULT_TOP_K = 192

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
    blocked: Mapping[WaitlistCode, Collection[tuple[int, int]]] | None = None,
) -> Proposal:
    """Propose as many pairs as the rules allow and, among those, the highest total score; and
    say why everyone else is waiting.

    Hard rules: never the same team; the mentee at least `min_seniority_gap` levels above the
    mentor; different departments if asked; never a forbidden pair; a mentor takes at most
    min(capacity, k) mentees and a mentee one mentor. And a pair must have something to talk
    about: the mentor teaches at least one topic the mentee wants to learn.
    `forbidden` holds (mentor_id, mentee_id) pairs never to propose; `blocked` more of them
    under a rule of their own ("reporting_line", "do_not_pair"), which a waitlist reason then
    names. `at` fixes the moment whose
    UTC offsets (DST) are compared; it defaults to now. `method` forces the dense or sparse path,
    `top_k` sets how many candidates per mentee the sparse path keeps (a third as many per
    mentor place).
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
    pool = encode_pool(
        mentors, mentees, weights, rules, chain(forbidden, ((i, i) for i in both)), at, blocked
    )

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
    waiting = waitlist(pool, "mentor", np.setdiff1d(np.arange(len(mentors)), rows)) + waitlist(
        pool, "mentee", np.setdiff1d(np.arange(len(mentees)), cols)
    )
    return Proposal(pairs, waiting, math.fsum(p.score for p in pairs))


# -- solving ----------------------------------------------------------------------------------


def _empty() -> _Pairs:
    return np.empty(0, np.int64), np.empty(0, np.int64)


def _unmatched_cost(best_score: float, n_a: int, n_b: int) -> float:
    """What leaving one row unmatched must cost so that no total score pays for it: more than
    the score of any whole matching, which has at most min(n_a, n_b) pairs.
    Kept this small (rather than, say, 1e9) so scores keep their precision beside it: on a
    10,000 x 10,000 pool it is about 3e5, and float64 still resolves 1e-10 there."""
    return min(n_a, n_b) * best_score + 1.0


def _assign(pool: Pool, method: Method, top_k: int) -> _Pairs:
    slots = pool.mentors.slots
    rows, cols = np.arange(len(slots)), np.arange(len(pool.mentees.ids))
    cells = int(slots.sum()) * len(cols)
    if method == "dense" or (method == "auto" and cells <= DENSE_MAX_CELLS):
        return _dense(pool, rows, cols, slots)
    return _sparse(pool, rows, cols, slots, top_k)


def _dense(pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray) -> _Pairs:
    """Exact: shortest augmenting paths (scipy's Jonker-Volgenant variant) on the full matrix,
    mentors repeated once per place."""
    if not len(rows) or not len(cols):
        return _empty()
    score = np.empty((len(rows), len(cols)))
    for span in spans(len(cols), BLOCK_CELLS // len(rows)):
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
    # The solver matches every row of the smaller side, to an allowed partner (cost -score) or
    # a forbidden one (cost `unmatched`, read as "unmatched"): so fewer unmatched comes first.
    unmatched = _unmatched_cost(float(cost.max()), *cost.shape)
    disallowed = cost == 0
    np.negative(cost, out=cost)  # in place: maximize=True would copy the whole matrix
    cost[disallowed] = unmatched
    del disallowed
    r, c = linear_sum_assignment(cost)
    keep = cost[r, c] < 0
    return rows[owner[r[keep]]], cols[live_c[c[keep]]]


def _sparse(
    pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray, top_k: int
) -> _Pairs:
    """Exact on a candidate graph: each mentee's top_k mentors and each mentor's top mentees,
    plus, when needed, the edges of a largest matching over all allowed pairs."""
    rows, slots = rows[slots > 0], slots[slots > 0]
    if not len(rows) or not len(cols):
        return _empty()
    # A mentor with more places needs more options.
    found = candidate_graph(pool, rows, cols, top_k, max(1, top_k // 3) * int(slots.max()))
    r, c = _match_graph(found.edges, slots)
    # Nobody can be paired more often than they have places and allowed partners: when the
    # solve reaches that bound it has the most pairs possible, the usual case, and is done.
    bound = min(
        int(np.count_nonzero(found.col_degree)),
        int(np.minimum(slots, found.row_degree).sum()),
    )
    if len(r) < bound:
        largest = maximum_matching(pool, rows, cols, slots)
        if len(largest) > len(r):
            r, c = _match_graph(found.edges.union(largest, len(cols)), slots)
    return rows[r], cols[c]


def _match_graph(edges: Edges, slots: np.ndarray) -> _Pairs:
    """Most pairs, then highest total, on the edges (positions into slots, score > 0)."""
    if not len(edges):
        return _empty()
    # Only people with an edge take part; then mentor places become rows of their own.
    used_r, er = np.unique(edges.row, return_inverse=True)
    used_c, ec = np.unique(edges.col, return_inverse=True)
    places = slots[used_r]
    first_place = np.cumsum(places) - places
    copies = places[er]
    edge = np.repeat(np.arange(len(er)), copies)
    nth = np.arange(len(edge)) - np.repeat(np.cumsum(copies) - copies, copies)
    a, b, w = first_place[er][edge] + nth, ec[edge], edges.score[edge]
    n_a, n_b = int(places.sum()), len(used_c)
    # The solver wants rows <= columns; put the smaller side on the rows.
    swapped = n_a > n_b
    if swapped:
        a, b, n_a, n_b = b, a, n_b, n_a
    # A full matching of the rows must exist, so every row gets a private "stay unmatched"
    # partner, dearer than anything a score could win back. Costs are shifted to stay > 0
    # because sparse matrices drop explicit zeros; every row is matched exactly once, so the
    # shift does not change which matching is cheapest.
    shift = float(w.max()) + 1.0
    unmatched = shift + _unmatched_cost(float(w.max()), n_a, n_b)
    graph = csr_matrix(
        (
            np.concatenate([shift - w, np.full(n_a, unmatched)]),
            (np.concatenate([a, np.arange(n_a)]), np.concatenate([b, n_b + np.arange(n_a)])),
        ),
        shape=(n_a, n_b + n_a),
    )
    ma, mb = min_weight_full_bipartite_matching(graph)
    real = mb < n_b
    place, mentee = (mb[real], ma[real]) if swapped else (ma[real], mb[real])
    place_owner = np.repeat(np.arange(len(used_r)), places)
    return used_r[place_owner[place]], used_c[mentee]
