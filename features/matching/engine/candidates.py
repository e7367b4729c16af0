"""The candidate graph of the sparse path: each mentee's best mentors and each mentor's best
mentees, found in one pass over the pool's score blocks, with everyone's number of allowed
partners on the side (a cheap bound on how many pairs the pool can have)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.matching.engine.pool_scoring import BLOCK_CELLS, Pool, block_scores, spans


@dataclass(frozen=True)
class Edges:
    """Allowed pairs as positions into the rows (mentors) and cols (mentees) they came from."""

    row: np.ndarray
    col: np.ndarray
    score: np.ndarray  # float64, > 0

    @staticmethod
    def empty() -> Edges:
        return Edges(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))

    def __len__(self) -> int:
        return len(self.row)

    def union(self, other: Edges, n_cols: int) -> Edges:
        row = np.concatenate([self.row, other.row])
        col = np.concatenate([self.col, other.col])
        _, first = np.unique(row * n_cols + col, return_index=True)
        return Edges(row[first], col[first], np.concatenate([self.score, other.score])[first])


@dataclass(frozen=True)
class Candidates:
    edges: Edges
    row_degree: np.ndarray  # allowed partners of each row, over the whole pool
    col_degree: np.ndarray


def _top(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and values of the k largest entries of each row, in no particular order."""
    if k >= score.shape[1]:
        return np.broadcast_to(np.arange(score.shape[1]), score.shape), score
    top = np.argpartition(score, score.shape[1] - k, axis=1)[:, -k:]
    return top, np.take_along_axis(score, top, axis=1)


def _best_per_row(
    row: np.ndarray, col: np.ndarray, val: np.ndarray, k: int, n_rows: int
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The k best entries of each row of a coordinate list, and the value a new entry of each
    row must beat to join them (0 while a row has fewer than k)."""
    # One sort by row, best first within a row (a composite key sorts faster than lexsort).
    order = np.argsort(row * (float(val.max(initial=0)) + 1.0) - val)
    row, col, val = row[order], col[order], val[order]
    counts = np.bincount(row, minlength=n_rows)
    start = np.cumsum(counts) - counts
    keep = np.arange(len(row)) - np.repeat(start, counts) < k
    floor = np.zeros(n_rows, np.float32)
    full = counts >= k
    floor[full] = val[start[full] + k - 1]
    return (row[keep], col[keep], val[keep]), floor


def _joined(parts: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    return tuple(np.concatenate(x) for x in zip(*parts, strict=True))


def candidate_graph(
    pool: Pool, rows: np.ndarray, cols: np.ndarray, k_col: int, k_row: int
) -> Candidates:
    """Each mentee's k_col best mentors among `rows` and each mentor's k_row best mentees among
    `cols`, as one graph without duplicate edges."""
    n_rows, n_cols = len(rows), len(cols)
    k_col, k_row = min(k_col, n_rows), min(k_row, n_cols)
    row_degree = np.zeros(n_rows, np.int64)
    col_degree = np.zeros(n_cols, np.int64)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # A mentor's best mentees are kept as a coordinate list; a block only adds the entries that
    # beat the mentor's k-th best so far, which after a few blocks is a small fraction.
    mentor_best: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    floor = np.zeros(n_rows, np.float32)
    added = 0
    for span in spans(n_cols, BLOCK_CELLS // n_rows):
        # float32 is plenty for choosing candidates and ranks them twice as fast.
        score = block_scores(pool, rows, cols[span], np.float32)
        positive = score > 0
        row_degree += positive.sum(axis=1)
        col_degree[span] = positive.sum(axis=0)
        # Partitioning along contiguous rows is much faster, hence the transposed copy.
        top, val = _top(np.ascontiguousarray(score.T), k_col)
        ok = val > 0
        parts.append((top[ok], np.broadcast_to(span[:, None], top.shape)[ok], val[ok]))
        if mentor_best:
            r, c = np.nonzero(score > floor[:, None])
            mentor_best.append((r, span[c], score[r, c]))
            added += len(r)
        else:
            top, val = _top(score, k_row)
            r, c = np.nonzero(val > 0)
            mentor_best.append((r, span[top[r, c]], val[r, c]))
            # A mentor's list is full, and its floor rises, only once it holds k_row entries.
            full = np.count_nonzero(val > 0, axis=1) >= k_row
            floor = np.where(full, val.min(axis=1), 0).astype(np.float32)
        # Re-rank once the newcomers would fill every list again: a few times in all.
        if added > n_rows * k_row:
            best, floor = _best_per_row(*_joined(mentor_best), k_row, n_rows)
            mentor_best, added = [best], 0
    if mentor_best:
        parts.append(_best_per_row(*_joined(mentor_best), k_row, n_rows)[0])
    if not parts:
        return Candidates(Edges.empty(), row_degree, col_degree)
    row, col, val = _joined(parts)
    edges = Edges(row.astype(np.int64), col.astype(np.int64), val.astype(np.float64))
    return Candidates(edges.union(Edges.empty(), n_cols), row_degree, col_degree)
