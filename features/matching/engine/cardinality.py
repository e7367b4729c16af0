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
from features.matching.engine.pool_scoring import BLOCK_CELLS, Pool, block_scores, rule_masks, spans

# Edges scored per call when pricing a matching: a chunk costs chunk² cells.
_CHUNK = 1024


def _allowed_graph(pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray) -> csr_matrix:
    """Every allowed pair: one graph row per mentee, one column per mentor place (a mentor with
    room for two is two columns with the same edges). Kept to int32 indices, one per edge and
    place: the only large array, about 200 MB for 10,000 x 10,000 one-place mentors."""
    first_place = (np.cumsum(slots) - slots).astype(np.int32)
    several = bool((slots > 1).any())
    per_mentee = np.zeros(len(cols), np.int64)
    parts = []
    for span in spans(len(cols), BLOCK_CELLS // len(rows)):
        _, masks = rule_masks(pool, rows, cols[span])
        allowed = masks[0][1]
        for _, mask in masks[1:]:
            allowed &= mask
        # Mentee-major, so that the edges come out in graph-row order.
        flat = np.flatnonzero(np.ascontiguousarray(allowed.T))
        mentee, mentor = np.divmod(flat, len(rows))
        del flat
        if several:
            copies = slots[mentor]
            per_mentee[span] = np.bincount(mentee, weights=copies, minlength=len(span))
            nth = np.arange(int(copies.sum())) - np.repeat(np.cumsum(copies) - copies, copies)
            parts.append(np.repeat(first_place[mentor], copies) + nth.astype(np.int32))
        else:
            per_mentee[span] = np.bincount(mentee, minlength=len(span))
            parts.append(first_place[mentor])
    index = np.int32 if per_mentee.sum() < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(len(cols) + 1, index)
    np.cumsum(per_mentee, out=indptr[1:])
    places = np.concatenate(parts).astype(index, copy=False)
    del parts
    data = np.ones(len(places), np.int8)  # only the structure counts
    return csr_matrix((data, places, indptr), shape=(len(cols), int(slots.sum())))


def maximum_matching(pool: Pool, rows: np.ndarray, cols: np.ndarray, slots: np.ndarray) -> Edges:
    """A largest set of allowed pairs between `rows` (mentors, `slots` places each, all > 0) and
    `cols` (mentees), as positions into them, with their scores."""
    if not len(rows) or not len(cols):
        return Edges.empty()
    graph = _allowed_graph(pool, rows, cols, slots)
    # perm_type="column": for each mentee (row of the graph), its place or -1.
    place_of = maximum_bipartite_matching(graph, perm_type="column")
    del graph
    col = np.flatnonzero(place_of >= 0)
    row = np.repeat(np.arange(len(rows)), slots)[place_of[col]]
    return Edges(row, col, pair_scores(pool, rows[row], cols[col]))


def pair_scores(pool: Pool, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Scores of the pairs (rows[i], cols[i]), as the candidate graph ranks them (float32)."""
    out = np.empty(len(rows))
    for span in spans(len(rows), _CHUNK):
        out[span] = np.diagonal(block_scores(pool, rows[span], cols[span], np.float32))
    return out
