"""Problem reports in memory; a duplicate is an open report of the category at the same place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.civic.photos import PhotoRules, Refused, clean
from flows.ports.reports import CategoryView, NewReport, ReportView, TakenPhoto
from flows.types import Photo

CATEGORIES = {
    "street_lighting": ("Straßenbeleuchtung", "Street lighting", ("Laterne", "Lampe")),
    "road_damage": ("Straßenschaden/Schlagloch", "Road damage/pothole", ("Schlagloch",)),
    "other": ("Sonstiges", "Something else", ()),
}


@dataclass
class FakeReports:
    rows: list[tuple[int, NewReport]] = field(default_factory=list)
    followers: set[tuple[str, int]] = field(default_factory=set)
    photos: list[bytes] = field(default_factory=list)  # the cleaned pictures, by id "P-n"

    async def categories(self, language: str) -> Sequence[CategoryView]:
        return [
            CategoryView(code, en if language == "en" else de, keywords)
            for code, (de, en, keywords) in CATEGORIES.items()
        ]

    async def possible_duplicates(
        self,
        category: str,
        place: str | None,
        latitude: float | None,
        longitude: float | None,
        language: str,
    ) -> Sequence[ReportView]:
        return [
            ReportView(f"M-{number}", category, report.description, report.place, "received")
            for number, (_, report) in enumerate(self.rows, start=1)
            if report.category == category and place and report.place == place
        ]

    async def create(self, citizen_id: int, report: NewReport) -> str:
        self.rows.append((citizen_id, report))
        return f"M-{len(self.rows)}"

    async def follow(self, citizen_id: int, ref: str) -> bool:
        if (ref, citizen_id) in self.followers:
            return False
        self.followers.add((ref, citizen_id))
        return True

    async def take_photo(self, photo: Photo) -> TakenPhoto:
        # the real check and cleaning (Pillow); only the file store is memory
        cleaned = clean(photo.content, PhotoRules())
        if isinstance(cleaned, Refused):
            return TakenPhoto(refused=cleaned.reason, limit_mb=10)
        self.photos.append(cleaned.content)
        return TakenPhoto(photo_id=f"P-{len(self.photos)}", position=cleaned.position)
