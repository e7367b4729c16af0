"""The worker process a matching round runs in, and the fork server it comes from, give way to
the service: niced, in a session of their own, and so (where Linux groups processes by session
for scheduling) in a scheduling group of their own, niced the same. In the service's group the
worker would take the group's share of the CPU from the event loop answering people."""

from __future__ import annotations

import os
from pathlib import Path

from runtime.fork_server_priority import NICENESS
from tests.support.world import World


def parent_of(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])


def autogroup_of(pid: int) -> str | None:
    try:  # "/autogroup-123 nice 10", where the kernel has autogroups
        return (Path("/proc") / str(pid) / "autogroup").read_text().strip()
    except OSError:
        return None


async def test_the_worker_and_its_fork_server_run_apart_and_below_the_service(
        world: World) -> None:
    worker = await world.tasks.start_worker()
    fork_server = parent_of(worker)
    assert fork_server != os.getpid()  # never forked from the service itself
    for pid in (worker, fork_server):
        assert os.getsid(pid) != os.getsid(0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == NICENESS
        group = autogroup_of(pid)
        assert group is None or group.endswith(f"nice {NICENESS}")
    assert os.getpriority(os.PRIO_PROCESS, 0) < NICENESS
    assert autogroup_of(worker) != autogroup_of(os.getpid()) or autogroup_of(worker) is None
