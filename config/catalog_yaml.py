"""Strict YAML reading for the prompt catalog: duplicate keys refused, every problem named with
its file, entry and id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

MAX_TEXT_CHARS = 600
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_CHARS = 64

class CatalogError(ValueError):
    """The catalog files are missing, malformed or break a content rule."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message




class Where:
    """Where a problem is: file, entry kind and id (or position while the id is unknown)."""

    def __init__(self, path: Path, noun: str, position: int) -> None:
        self.path = path
        self.noun = noun
        self.position = position
        self.id: str | None = None

    def error(self, problem: str) -> CatalogError:
        label = f"'{self.id}'" if self.id else f"#{self.position} (no valid id)"
        return CatalogError(f"{self.path}: {self.noun} {label}: {problem}")


def parse_id(entry: dict[str, Any], where: Where) -> str:
    if "id" not in entry:
        raise where.error("missing required key 'id'")
    value = entry["id"]
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"id must be non-empty text, found {value!r}")
    value = value.strip()
    if len(value) > MAX_ID_CHARS or not ID_PATTERN.match(value):
        raise where.error(
            f"id {value!r} must be kebab-case (lowercase letters, digits and single hyphens, "
            f"at most {MAX_ID_CHARS} characters)"
        )
    return value


def check_keys(
    entry: dict[str, Any], allowed: frozenset[str], required: Iterable[str], where: Where
) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise where.error(
            f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )
    for key in required:
        if key not in entry:
            raise where.error(f"missing required key '{key}'")


def text_of(value: Any, field: str, where: Where, limit: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(value, str):
        raise where.error(f"{field} must be text, found {type_name(value)}")
    text = value.strip()
    if not text:
        raise where.error(f"{field} is empty")
    if len(text) > limit:
        raise where.error(f"{field} is too long ({len(text)} characters, limit {limit})")
    return text


def type_name(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def read_list(path: Path, key: str) -> list[Any]:
    """Parse ``path`` and return the list under its single top-level ``key``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read file ({exc})") from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = exc.problem or exc.context or "malformed"
        raise CatalogError(f"{path}: {line}not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        raise CatalogError(f"{path}: file is empty, expected a '{key}:' list")
    if not isinstance(data, dict) or key not in data:
        raise CatalogError(f"{path}: expected a top-level '{key}:' list")
    extra = sorted(str(k) for k in data if k != key)
    if extra:
        raise CatalogError(f"{path}: unknown top-level key(s) {', '.join(extra)}")
    entries = data[key]
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{path}: '{key}' must be a non-empty list")
    return entries


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key repeated within one mapping (PyYAML keeps the last)."""


def construct_strict_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    entry_id = next(
        (
            v.value
            for k, v in node.value
            if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode)
        ),
        None,
    )
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        if key_node.value in seen:
            owner = f" in the entry with id '{entry_id}'" if entry_id else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key_node.value}'{owner}", key_node.start_mark
            )
        seen.add(key_node.value)
    return loader.construct_mapping(node, deep=True)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_strict_mapping
)
