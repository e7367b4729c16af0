"""Scrapes /metrics over HTTP and reads it with prometheus_client's own parser."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Scrape:
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]
    content_type: str

    def value(self, name: str, **labels: str) -> float | None:
        """The sample with exactly these labels, or None when the series does not exist."""
        return self.samples.get((name, frozenset(labels.items())))

    def series(self, name: str) -> dict[frozenset[tuple[str, str]], float]:
        return {labels: v for (n, labels), v in self.samples.items() if n == name}


async def scrape(http: aiohttp.ClientSession, base_url: str) -> Scrape:
    async with http.get(f"{base_url}/metrics") as response:
        assert response.status == 200, await response.text()
        text = await response.text()
        content_type = response.headers["Content-Type"]
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return Scrape(samples, content_type)
