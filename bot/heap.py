"""The garbage collector's settings for a long-running service, applied once start-up is done.

A job over a 100,000-person program allocates millions of short-lived objects. With CPython's
defaults each full collection walks every object the process holds (the modules, SQLAlchemy's
metadata, the catalogue: a few hundred thousand), and a job set off dozens of them: a third of
the weekly enqueue's CPU (bench/scale.py). What exists once the service has started lives as
long as the process, so it moves to the permanent generation, never scanned again; and the
youngest generation is collected every 10,000 allocations instead of 700, so fewer objects
age into the older generations at all.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Call once, when start-up is done (the service serves from now on)."""
    gc.collect()  # what start-up left behind goes now, not into the permanent generation
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 10)
