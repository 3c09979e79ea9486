"""Reading a `/metrics` page the way Prometheus does: one number per series."""

from __future__ import annotations

import re

import httpx

_SAMPLE = re.compile(r"^([a-z_]+)(\{[^}]*\})? (\S+)$")


def parse(text: str) -> dict[str, float]:
    """'name{labels}' → value, for every sample line; HELP and TYPE lines are checked."""
    samples: dict[str, float] = {}
    typed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("#") or not line:
            continue
        found = _SAMPLE.match(line)
        assert found, f"not a sample line: {line!r}"
        name, labels, value = found.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in typed or family in typed, f"{name} has no TYPE line"
        samples[name + (labels or "")] = float(value)
    return samples


async def scrape(client: httpx.AsyncClient, token: str) -> dict[str, float]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def grown(before: dict[str, float], after: dict[str, float], series: str) -> float:
    return after.get(series, 0.0) - before.get(series, 0.0)
