"""`turnabout import-people`: an HR export lets admin stats compare retention."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from storage.models import HrRecord
from tests.support.world import World


async def turnabout(database_url: str, *args: str) -> tuple[int, str]:
    """The real command line, as an operator runs it."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("turnabout")), *args,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    return process.returncode or 0, out.decode() + err.decode()


def hr_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "hr.csv"
    path.write_text("email,department,hire_date,leave_date\n" + "\n".join(rows) + "\n")
    return path


async def test_retention_of_participants_is_compared_with_everyone_else(
    world: World, tmp_path: Path, database_url: str
) -> None:
    for n in range(6):
        await world.person(f"p{n}", email=f"p{n}@example.com").join()
    rows = [f"P{n}@example.com,Sales,2020-01-01,{'2026-12-01' if n == 0 else ''}" for n in range(6)]
    rows += [f"o{n}@example.com,Sales,2020-01-01,{'2026-11-25' if n < 3 else ''}" for n in range(6)]
    code, output = await turnabout(database_url, "import-people", str(hr_csv(tmp_path, rows)))
    assert code == 0 and "Imported 12 people" in output

    world.clock.advance(world.clock.now().replace(month=12, day=20) - world.clock.now())
    text = (await world.person("ada").say("admin stats")).messages[0].text
    assert "Participants still here: 83% of 6 · everyone else: 50% of 6" in text


async def test_a_bad_hr_file_imports_nothing_and_says_which_lines(
    world: World, tmp_path: Path, database_url: str
) -> None:
    path = hr_csv(tmp_path, ["a@example.com,Sales,2020-01-01,", ",Sales,2020-01-01,",
                             "c@example.com,Sales,2022-01-01,2021-01-01"])
    code, err = await turnabout(database_url, "import-people", str(path))
    assert code == 2 and "Traceback" not in err
    assert "line 3: no email or platform_id" in err and "line 4: leave_date is before" in err
    async with world.database.session() as session:
        assert (await session.exec(select(func.count()).select_from(HrRecord))).one() == 0
