"""The reports port over the store: categories, possible duplicates, new reports, following."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.civic import photos
from bot.civic.turn_store import TurnStore
from flows.ports.reports import CategoryView, NewReport, ReportView, TakenPhoto
from flows.types import Photo
from storage import reports
from storage.models.reports import Report, ReportCategory
from storage.reports.category_editing import duplicate_radius
from storage.reports.nearby import possible_duplicates

DEFAULT_RADIUS_M = 50.0


def category_name(category: ReportCategory | None, code: str, language: str) -> str:
    if category is None:
        return code
    return category.name_en if language == "en" else category.name_de


def _category_view(category: ReportCategory, language: str) -> CategoryView:
    # both languages: people mix them ("the Ampel is broken")
    keywords = [*category.keywords_de, *category.keywords_en]
    return CategoryView(
        category.code, category_name(category, category.code, language), tuple(keywords)
    )


class StoreReports:
    def __init__(
        self,
        store: TurnStore,
        radius_m: float = DEFAULT_RADIUS_M,
        photo_rules: photos.PhotoRules | None = None,
    ) -> None:
        self._store = store
        self._radius_m = radius_m
        self._photo_rules = photo_rules or photos.PhotoRules()

    async def categories(self, language: str) -> Sequence[CategoryView]:
        listed = await reports.categories(self._store.session)
        # "other" is the way out and comes last, wherever staff put it
        listed.sort(key=lambda category: category.code == reports.OTHER_CATEGORY)
        return [_category_view(category, language) for category in listed]

    async def _view(self, report: Report, language: str) -> ReportView:
        category = await reports.category_by_code(self._store.session, report.category_code)
        return ReportView(
            ref=report.ref or "",
            category=category_name(category, report.category_code, language),
            description=report.description,
            place=report.place,
            status=report.status,
        )

    async def possible_duplicates(
        self,
        category: str,
        place: str | None,
        latitude: float | None,
        longitude: float | None,
        language: str,
    ) -> Sequence[ReportView]:
        session = self._store.session
        # read per report: an administrator's change holds in every process at once
        radius_m = await duplicate_radius(session) or self._radius_m
        found = await possible_duplicates(
            session,
            category,
            latitude=latitude,
            longitude=longitude,
            place=place,
            radius_m=radius_m,
        )
        return [await self._view(report, language) for report in found]

    async def create(self, citizen_id: int, report: NewReport) -> str:
        store = self._store
        row = await reports.create_report(
            store.session,
            citizen_id=citizen_id,
            category_code=report.category,
            description=report.description,
            place=report.place,
            language=report.language,
            now=store.clock(),
            latitude=report.latitude,
            longitude=report.longitude,
            photos=list(report.photos),
        )
        return row.ref or ""

    async def follow(self, citizen_id: int, ref: str) -> bool:
        store = self._store
        report = await reports.report_by_ref(store.session, ref)
        if report is None:
            return False
        return await reports.follow(store.session, report.id, citizen_id, store.clock())

    async def take_photo(self, photo: Photo) -> TakenPhoto:
        rules = self._photo_rules
        # decoding a 12-megapixel photo takes a moment: other conversations go on meanwhile
        cleaned = await asyncio.to_thread(photos.clean, photo.content, rules)
        if isinstance(cleaned, photos.Refused):
            return TakenPhoto(refused=cleaned.reason, limit_mb=max(1, rules.max_bytes // 10**6))
        # in the database: in the turn's transaction, with the state that names the photo
        photo_id = await rules.photo_store().save(
            self._store.session, cleaned.content, cleaned.thumbnail
        )
        return TakenPhoto(photo_id=photo_id, position=cleaned.position)
