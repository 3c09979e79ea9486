"""The reports port: problem reports ("the street lamp is dark"), their categories and
reports of the same problem someone already made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flows.types import Location, Photo


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: str
    keywords: tuple[str, ...]  # in both languages: people mix them


@dataclass(frozen=True)
class ReportView:
    """A report as other citizens may see it: never who made it."""

    ref: str
    category: str  # the category's name
    description: str
    place: str | None
    status: str  # storage.reports.STATUSES


@dataclass(frozen=True)
class NewReport:
    category: str  # a category code
    description: str
    place: str | None
    language: str
    # from a shared location, once a channel passes one on; None for a typed place
    latitude: float | None = None
    longitude: float | None = None
    photos: tuple[str, ...] = ()  # ids from take_photo


@dataclass(frozen=True)
class TakenPhoto:
    """A photo checked and stored without its metadata (`photo_id`), or why not
    (`refused`: "too_big", "too_many_pixels", "not_an_image"). `position` is where the
    original said it was taken: offered to the citizen, never kept without asking."""

    photo_id: str | None = None
    refused: str | None = None
    position: Location | None = None
    limit_mb: int = 0  # the size limit, for "too_big"


class ReportPort(Protocol):
    async def categories(self, language: str) -> Sequence[CategoryView]:
        """The active categories in their order; "other" ("Sonstiges") last."""
        ...

    async def possible_duplicates(
        self,
        category: str,
        place: str | None,
        latitude: float | None,
        longitude: float | None,
        language: str,
    ) -> Sequence[ReportView]:
        """Open reports of the category at the same spot, closest first (a few at most)."""
        ...

    async def create(self, citizen_id: int, report: NewReport) -> str:
        """Stores the report and returns its reference number ("M-17")."""
        ...

    async def follow(self, citizen_id: int, ref: str) -> bool:
        """The citizen gets news of the report; False when it is unknown or already followed."""
        ...

    async def take_photo(self, photo: Photo) -> TakenPhoto:
        """Checks a photo and stores the picture alone (no EXIF, GPS, XMP, profile)."""
        ...
