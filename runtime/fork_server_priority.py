"""Named first in the fork server's preload list (runtime/tasks.py), so the fork server gives way
to the service before it imports numpy and scipy for the worker processes it forks: seconds of
CPU that otherwise compete with the service's event loop on a small machine, at the start of the
first round. The workers it forks inherit all of it.

Giving way is a niceness of 10 in a session of its own. Where the kernel groups processes by
session for scheduling (Linux autogroups, on unless a cgroup takes its place), niceness only
ranks processes within their group, and a busy worker in the service's group would take that
group's share of the CPU away from the event loop; in its own group, niced the same way, it
competes with the service and with everything else as one low-priority group.
(SCHED_IDLE was tried first: on this project's busy shared machine the fork server under it
got almost no CPU, about 1 s in 4 minutes, and the round had not finished when it was stopped.)

Importing it anywhere else does nothing: only the fork server runs as `python -c` with
multiprocessing.forkserver loaded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

NICENESS = 10


def in_fork_server() -> bool:
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


def lower_to(niceness: int) -> None:
    """Lower this process's priority to `niceness` (never raise it: that needs privileges)."""
    current = os.nice(0)
    if niceness > current:
        os.nice(niceness - current)


def leave_the_service_group(niceness: int) -> None:
    """A session of its own, and so a scheduling group of its own, as low as its processes.
    Nothing else depends on the session: the fork server ends when the service's end closes
    its pipe, and the worker watches the service's process (runtime/worker_units.py)."""
    try:
        os.setsid()
        Path("/proc/self/autogroup").write_text(str(niceness))
    except OSError:  # no autogroups (or not Linux): the niceness alone is what there is
        pass


if in_fork_server():
    leave_the_service_group(NICENESS)
    lower_to(NICENESS)
