"""Creating or updating consultations from a YAML file (docs/examples/consultation.yml)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations.editing import BreaksAnswers, apply_spec, describe_conflict
from storage.consultations.spec import ConsultationSpec
from storage.models.civic import Consultation
from storage.topics import list_topics, topic_by_slug
from storage.yaml_lines import LocatedYaml, load_located


@dataclass(frozen=True)
class FileProblem:
    filename: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}" if self.line is not None else self.filename
        return f"{where}: {self.message}"


class ConsultationFileError(Exception):
    """The file cannot be imported; `problems` name file, line and what is wrong."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


def _describe(loc: Sequence[str | int], message: str) -> str:
    field = ".".join(str(part) for part in loc if part not in ("tuple",))
    message = message.removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def parse_consultations(text: str, filename: str) -> list[tuple[ConsultationSpec, int | None]]:
    """Every consultation in the file with the line of its topic; ConsultationFileError if bad."""
    try:
        located = load_located(text)
    except yaml.YAMLError as broken:
        mark = getattr(broken, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(broken, "problem", None) or str(broken)
        raise ConsultationFileError(
            [FileProblem(filename, line, f"broken YAML: {problem}")]
        ) from None
    items, prefix = _items(located)
    if not items:
        raise ConsultationFileError([FileProblem(filename, 1, "no consultation in this file")])
    problems: list[FileProblem] = []
    specs: list[tuple[ConsultationSpec, int | None]] = []
    for index, item in enumerate(items):
        base = (*prefix, index) if prefix is not None else ()
        try:
            spec = ConsultationSpec.model_validate(item)
        except ValidationError as invalid:
            for error in invalid.errors():
                loc = tuple(error["loc"])
                line = located.line_of((*base, *loc))
                problems.append(FileProblem(filename, line, _describe(loc, error["msg"])))
            continue
        specs.append((spec, located.line_of((*base, "topic"))))
    slugs = [spec.slug for spec, _ in specs]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.append(FileProblem(filename, None, f"slug {slug!r} appears more than once"))
    if problems:
        raise ConsultationFileError(problems)
    return specs


def _items(located: LocatedYaml) -> tuple[list[Any], tuple[str | int, ...] | None]:
    """The consultation mappings and the path prefix under which they sit."""
    data = located.data
    if isinstance(data, dict) and isinstance(data.get("consultations"), list):
        return list(data["consultations"]), ("consultations",)
    if isinstance(data, list):
        return data, ()
    if isinstance(data, dict):
        return [data], None
    return [], None


async def upsert_consultation(
    session: AsyncSession, spec: ConsultationSpec, topic_id: int | None
) -> Consultation:
    """Creates the consultation or updates the one with the same slug.

    Questions are replaced; answers already given stay attached by question key. Raises
    BreaksAnswers when the change would orphan answers (see storage/consultations/editing.py).
    """
    row = await session.scalar(select(Consultation).where(Consultation.slug == spec.slug))
    return await apply_spec(session, row or Consultation(), spec, topic_id)


async def import_consultations(session: AsyncSession, path: Path) -> list[str]:
    """Imports every consultation in the file and returns their slugs. Does not commit.

    Raises ConsultationFileError (nothing is written) when the file or a topic is wrong.
    """
    filename = str(path)
    try:
        text = await asyncio.to_thread(Path(path).read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as unreadable:
        raise ConsultationFileError([FileProblem(filename, None, str(unreadable))]) from None
    specs = parse_consultations(text, filename)
    topic_ids: list[int | None] = []
    problems = []
    for spec, line in specs:
        topic = await topic_by_slug(session, spec.topic) if spec.topic else None
        if spec.topic and topic is None:
            known = ", ".join(t.slug for t in await list_topics(session)) or "none yet"
            message = f"unknown topic {spec.topic!r} (known topics: {known})"
            problems.append(FileProblem(filename, line, message))
        topic_ids.append(topic.id if topic is not None else None)
    if problems:
        raise ConsultationFileError(problems)
    for (spec, line), topic_id in zip(specs, topic_ids, strict=True):
        try:
            await upsert_consultation(session, spec, topic_id)
        except BreaksAnswers as broken:
            problems += [
                FileProblem(filename, line, f"{spec.slug}: {describe_conflict(c, 'en')}")
                for c in broken.conflicts
            ]
    if problems:
        raise ConsultationFileError(problems)
    return [spec.slug for spec, _ in specs]
