"""Headless Chromium for browser tests: Debian's `chromium`, driven by Playwright for Python.

Nothing downloads a browser: Playwright is pointed at the system executable. Without it, CI
(TURNABOUT_REQUIRE_BROWSER=1, exported by .ci/run) fails with a clear message; a developer's
machine skips, saying how to install it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRE_BROWSER = os.environ.get("TURNABOUT_REQUIRE_BROWSER") == "1"
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
HOW_TO_INSTALL = ("install Debian's Chromium with `sudo apt-get install -y chromium` "
                  "(or set CHROMIUM=/path/to/chromium)")


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"browser tests must run here (TURNABOUT_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(f"{reason}: {HOW_TO_INSTALL}")


def chromium() -> str:
    """The Chromium executable to drive, or skip / fail saying why there is none."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    given = os.environ.get("CHROMIUM")
    found = [given] if given else [*CANDIDATES, shutil.which("chromium") or ""]
    for path in found:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            break
    else:
        _unavailable("Chromium was not found")
        raise AssertionError("unreachable")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        _unavailable("the `playwright` Python package is not installed (pip install -e '.[test]')")
    return path


def screenshot_dir(default: Path) -> Path:
    """Where the test keeps its screenshots: TURNABOUT_SCREENSHOTS, else the test's tmp dir."""
    directory = Path(os.environ.get("TURNABOUT_SCREENSHOTS") or default)
    directory.mkdir(parents=True, exist_ok=True)
    return directory
