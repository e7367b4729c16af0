"""The sparse path's candidate graph keeps each person's best partners, across score blocks."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from unittest.mock import patch

import numpy as np
import pytest

from features.matching.engine import Participant, Rules, Weights, candidates
from features.matching.engine.candidates import candidate_graph
from features.matching.engine.pool_scoring import block_scores, encode_pool

AT = datetime(2025, 1, 15, 12, tzinfo=UTC)
TOPICS = [f"topic-{i}" for i in range(8)]


def pool(n_mentors: int, n_mentees: int, seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)

    def someone(pid: int, seniority: int) -> Participant:
        return Participant(
            id=pid,
            team=f"team-{rng.randrange(5)}",
            department="x",
            seniority=seniority,
            timezone=rng.choice(("Europe/Berlin", "Asia/Tokyo", "America/Chicago")),
            teaches=frozenset(rng.sample(TOPICS, rng.randint(1, 5))),
            learns=frozenset(rng.sample(TOPICS, rng.randint(1, 5))),
            cadence=rng.choice(("weekly", "monthly")),
        )

    mentors = [someone(i, 1) for i in range(n_mentors)]
    mentees = [someone(100 + i, 3) for i in range(n_mentees)]
    return encode_pool(mentors, mentees, Weights(), Rules(), [], AT)


@pytest.mark.parametrize("block_cells", [1_000_000, 20, 7])
def test_every_mentor_and_mentee_keeps_their_best_partners(block_cells: int) -> None:
    # Tiny blocks split each mentor's row of scores over many blocks (and fewer columns per
    # block than a mentor keeps), as on a large pool.
    the_pool = pool(5, 16, seed=2)
    rows, cols = np.arange(5), np.arange(16)
    truth = block_scores(the_pool, rows, cols, np.float32)
    with patch.object(candidates, "BLOCK_CELLS", block_cells):
        found = candidate_graph(the_pool, rows, cols, k_col=2, k_row=10)
    kept = np.zeros_like(truth)
    kept[found.edges.row, found.edges.col] = found.edges.score
    assert np.array_equal(kept[kept > 0], truth[kept > 0])  # true scores of allowed pairs only
    for r in range(5):
        assert sorted(kept[r])[-10:] == sorted(truth[r])[-10:]
    for c in range(16):
        assert sorted(kept[:, c])[-2:] == sorted(truth[:, c])[-2:]
    assert found.row_degree.tolist() == np.count_nonzero(truth, axis=1).tolist()
    assert found.col_degree.tolist() == np.count_nonzero(truth, axis=0).tolist()
