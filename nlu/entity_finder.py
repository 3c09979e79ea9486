"""All entity extraction for one message: name lists, references and the data's regexes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nlu.gazetteer import Gazetteer, build_gazetteer, find_names, merged_values, values_from_data
from nlu.normalize import MAX_CHARS, normalize
from nlu.references import find_references
from nlu.training_data import TrainingData
from nlu.types import Entity


@dataclass(frozen=True, eq=False)
class EntityFinder:
    """Finds entities; build one with `entity_finder()` and replace it to change lookups."""

    shipped: Mapping[str, Mapping[str, Sequence[str]]]
    gazetteers: tuple[Gazetteer, ...]
    regexes: tuple[tuple[str, re.Pattern[str]], ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)  # normalised name -> value
    known_words: frozenset[str] = frozenset()

    def find(self, text: str) -> tuple[Entity, ...]:
        """Entities in the text, ordered by position; one per entity kind and span."""
        text = text[:MAX_CHARS]
        found = find_references(text)
        for gazetteer in self.gazetteers:
            found.extend(find_names(text, gazetteer, self.known_words))
        for entity, pattern in self.regexes:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    value = self.synonyms.get(normalize(match.group(0)), match.group(0))
                    found.append(Entity(entity, value, match.group(0), match.start(), match.end()))
        unique: dict[tuple[str, int, int], Entity] = {}
        for entity_found in found:
            unique.setdefault(
                (entity_found.entity, entity_found.start, entity_found.end), entity_found
            )
        return tuple(sorted(unique.values(), key=lambda e: (e.start, -e.end, e.entity)))

    def with_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> EntityFinder:
        """A finder whose `entity` values are exactly the keys of `values` (see merged_values)."""
        merged = merged_values(self.shipped.get(entity, {}), values)
        others = tuple(g for g in self.gazetteers if g.entity != entity)
        return EntityFinder(
            shipped=self.shipped,
            gazetteers=(*others, build_gazetteer(entity, merged)),
            regexes=self.regexes,
            synonyms=self.synonyms,
            known_words=self.known_words,
        )


def entity_finder(
    data: TrainingData,
    runtime: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    known_words: frozenset[str] = frozenset(),
) -> EntityFinder:
    """A finder for the data's lookups and synonyms, with lookups taught at run time applied."""
    shipped = values_from_data(data.lookups, data.synonyms)
    finder = EntityFinder(
        shipped=shipped,
        gazetteers=tuple(build_gazetteer(name, values) for name, values in shipped.items()),
        regexes=tuple(
            (name, re.compile(pattern, re.IGNORECASE))
            for name, patterns in data.regexes.items()
            for pattern in patterns
        ),
        synonyms={
            normalize(name): value for value, names in data.synonyms.items() for name in names
        },
        known_words=known_words,
    )
    for entity, values in (runtime or {}).items():
        finder = finder.with_lookup(entity, values)
    return finder
