"""How many pairs a pool can have at most, and one set of pairs that reaches it.

The sparse path solves a graph of each person's best candidates, which may lack an edge some
largest matching needs (a mentee whose only allowed mentor is nobody's favourite). When that
may be the case, this module finds a maximum-cardinality matching on every allowed pair with
Hopcroft-Karp; its edges, added to the candidates, let the exact solve reach that size.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from features.matching.engine.candidates import Edges
from features.matching.engine.scoring import BLOCK_CELLS, Pool, block_scores, spans

# Edges scored per call when pricing a matching: a chunk costs chunk² cells.
_CHUNK = 1024


def _allowed_by_mentee(
    pool: Pool, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every allowed pair as (mentee position, mentor position), sorted by mentee."""
    mentee_parts, mentor_parts = [], []
    for span in spans(len(cols), BLOCK_CELLS // len(rows)):
        allowed = block_scores(pool, rows, cols[span], np.float32) > 0
        mentee, mentor = np.nonzero(allowed.T)
        mentee_parts.append(span[mentee])
        mentor_parts.append(mentor.astype(np.int32))
    return np.concatenate(mentee_parts), np.concatenate(mentor_parts)


def maximum_matching(pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray) -> Edges:
    """A largest set of allowed pairs between `rows` (mentors, `slots` places each, all > 0) and
    `cols` (mentees), as positions into them, with their scores."""
    if not len(rows) or not len(cols):
        return Edges.empty()
    mentee, mentor = _allowed_by_mentee(pool, rows, cols)
    # One column per mentor place: a mentor with room for two is two columns with equal edges.
    first_place = (np.cumsum(slots) - slots).astype(np.int32)
    copies = slots[mentor]
    place = np.repeat(first_place[mentor], copies)
    place += (np.arange(len(place)) - np.repeat(np.cumsum(copies) - copies, copies)).astype(
        np.int32
    )
    indptr = np.zeros(len(cols) + 1, np.int64)
    np.cumsum(np.bincount(mentee, weights=copies, minlength=len(cols)), out=indptr[1:])
    del mentee, mentor, copies
    graph = csr_matrix(
        (np.ones(len(place), np.int8), place, indptr), shape=(len(cols), int(slots.sum()))
    )
    del place
    # perm_type="column": for each mentee (row of the graph), its place or -1.
    place_of = maximum_bipartite_matching(graph, perm_type="column")
    col = np.flatnonzero(place_of >= 0)
    row = np.repeat(np.arange(len(rows)), slots)[place_of[col]]
    return Edges(row, col, pair_scores(pool, rows[row], cols[col]))


def pair_scores(pool: Pool, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Scores of the pairs (rows[i], cols[i]), as the candidate graph ranks them (float32)."""
    out = np.empty(len(rows))
    for span in spans(len(rows), _CHUNK):
        out[span] = np.diagonal(block_scores(pool, rows[span], cols[span], np.float32))
    return out
