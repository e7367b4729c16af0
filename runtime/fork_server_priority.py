"""Named first in the fork server's preload list (runtime/tasks.py), so the fork server lowers
its own priority before it imports numpy and scipy for the worker processes it forks: seconds
of CPU that otherwise compete with the service's event loop on a small machine, at the start
of the first round. The workers it forks inherit the lower priority.

Importing it anywhere else does nothing: only the fork server runs as `python -c` with
multiprocessing.forkserver loaded.
"""

from __future__ import annotations

import os
import sys

NICENESS = 10


def in_fork_server() -> bool:
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


def lower_to(niceness: int) -> None:
    """Lower this process's priority to `niceness` (never raise it: that needs privileges)."""
    current = os.nice(0)
    if niceness > current:
        os.nice(niceness - current)


if in_fork_server():
    lower_to(NICENESS)
