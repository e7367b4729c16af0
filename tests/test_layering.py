"""The layers hold: import-linter's contracts in pyproject.toml for the code, and for the tests
one rule: shared helpers live in tests/support/, and no test module imports another."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_layers_and_their_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def package_of(path: Path) -> list[str]:
    """The package a file's relative imports start from: tests/adapters/web for its modules."""
    parts = list(path.relative_to(ROOT).parts)
    return parts[:-1]


def imported_modules(source: str, package: list[str]) -> Iterator[str]:
    """Every module the source imports, relative imports resolved against `package`; for
    `from a import b`, both `a` and `a.b` (b may be a module)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def crossings(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and len(parts) > 1 and parts[1] != "support"


def test_test_files_import_shared_helpers_from_tests_support_only() -> None:
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        modules = {m for m in imported_modules(path.read_text(encoding="utf-8"),
                                               package_of(path)) if crossings(m)}
        # `from tests.x.test_a import b` crosses once, not once more for b
        found += [f"{path.relative_to(ROOT)} imports {m}" for m in sorted(modules)
                  if m.rpartition(".")[0] not in modules]
    assert found == []


def test_the_scan_sees_plain_relative_and_from_package_imports() -> None:
    source = ("import tests.adapters.slack.test_blocks\n"
              "from .test_journey import titles\n"
              "from .. import test_export_links\n"
              "from tests.support.web_chat import WebChat\n")
    modules = set(imported_modules(source, ["tests", "adapters", "web"]))
    assert {m for m in modules if crossings(m)} >= {
        "tests.adapters.slack.test_blocks", "tests.adapters.web.test_journey",
        "tests.adapters.test_export_links"}
    assert not crossings("tests.support.web_chat")
