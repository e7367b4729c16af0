"""`turnabout import-people FILE.csv`: an HR export, for comparing retention.

All or nothing: any bad row is reported with its line number and nothing is imported.
Columns (header names, any order): email or platform_id (at least one), department,
hire_date, leave_date (YYYY-MM-DD; leave_date empty while employed), and optionally team
(matching's never-same-team rule uses it over what people pick) and manager (the manager's
email or platform_id: nobody is paired within their reporting line).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from config.program import ConfigError
from storage.models import HrRecord

MAX_ROWS = 500_000
MAX_ERRORS_SHOWN = 10


def _day(value: str, line: int, column: str, errors: list[str]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.append(f"line {line}: {column} '{value[:20]}' is not a date like 2024-03-01")
        return None


def _manager(value: str, line: int, errors: list[str]) -> str | None:
    value = value.strip()
    if len(value) > 320:
        errors.append(f"line {line}: manager is longer than 320 characters")
        return None
    return (value.lower() if "@" in value else value) or None


def read_people(path: Path, now: datetime) -> list[HrRecord]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; export the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not columns & {"email", "platform_id"}:
        raise ConfigError(f"{path}: needs an 'email' or 'platform_id' column "
                          "(plus department, hire_date, leave_date)")
    records, errors = [], []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        email, platform_id = row.get("email") or None, row.get("platform_id") or None
        if not email and not platform_id:
            errors.append(f"line {line}: no email or platform_id")
        hired = _day(row.get("hire_date", ""), line, "hire_date", errors)
        left = _day(row.get("leave_date", ""), line, "leave_date", errors)
        if hired and left and left < hired:
            errors.append(f"line {line}: leave_date is before hire_date")
        records.append(HrRecord(email=email.lower() if email else None,
                                 platform_user_id=platform_id,
                                 department=(row.get("department") or None),
                                 team=(row.get("team") or None),
                                 manager=_manager(row.get("manager", ""), line, errors),
                                 hire_date=hired, leave_date=left, imported_at=now))
        if len(records) > MAX_ROWS:
            raise ConfigError(f"{path}: more than {MAX_ROWS:,} rows; split the file")
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ConfigError(f"{path}: nothing imported: {shown}{more}")
    return records
