"""Shipped content for reverse mentoring pairs: weekly conversation prompts and meeting agendas.

The YAML files here are data only; ``config.prompt_catalog`` loads and validates them.
"""

from pathlib import Path

CATALOG_DIR = Path(__file__).parent
