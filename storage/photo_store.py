"""Where report photos are kept, chosen by MITREDEN_REPORT_PHOTO_STORE: files in one folder
(`disk`, storage/report_photos.py) or rows in the database (`database`), so that several
processes on different machines see the same photos without a shared volume.

Both keep a photo and its thumbnail under the same random name; callers hold one
`PhotoStore` and never ask which one it is. In the database the rows are written and
removed inside the caller's transaction: a failed turn leaves no row behind, a rollback of
an erasure keeps them.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import report_photos
from storage.models.reports import ReportPhotoFile

StoreKind = Literal["disk", "database"]


class PhotoStore(Protocol):
    async def save(self, session: AsyncSession, content: bytes, thumbnail: bytes) -> str:
        """Keeps a cleaned photo and its thumbnail under a new random name; the name."""
        ...

    async def read(
        self, session: AsyncSession, photo_id: str, *, thumbnail: bool = False
    ) -> Path | bytes | None:
        """The photo's file or bytes; None for a name that is not ours or gone."""
        ...

    async def remove_after_commit(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        """The photos go once the transaction that dropped them from their reports commits."""
        ...

    async def stored_before(self, session: AsyncSession, before: datetime) -> Sequence[str]:
        """The ids of photos stored before `before` (orphan candidates)."""
        ...

    async def remove_now(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        """Removes the photos (files at once, rows with the transaction)."""
        ...


@dataclass(frozen=True)
class DiskPhotos:
    folder: Path

    async def save(self, session: AsyncSession, content: bytes, thumbnail: bytes) -> str:
        return await asyncio.to_thread(report_photos.save, self.folder, content, thumbnail)

    async def read(
        self, session: AsyncSession, photo_id: str, *, thumbnail: bool = False
    ) -> Path | bytes | None:
        return report_photos.path(self.folder, photo_id, thumbnail=thumbnail)

    async def remove_after_commit(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        report_photos.delete_after_commit(session, self.folder, photo_ids)

    async def stored_before(self, session: AsyncSession, before: datetime) -> Sequence[str]:
        return list(report_photos.files_before(self.folder, before))

    async def remove_now(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        report_photos.delete(self.folder, photo_ids)


@dataclass(frozen=True)
class DatabasePhotos:
    async def save(self, session: AsyncSession, content: bytes, thumbnail: bytes) -> str:
        photo_id = secrets.token_urlsafe(18)
        session.add(ReportPhotoFile(photo_id=photo_id, content=content, thumbnail=thumbnail))
        await session.flush()
        return photo_id

    async def read(
        self, session: AsyncSession, photo_id: str, *, thumbnail: bool = False
    ) -> Path | bytes | None:
        if not report_photos.valid_id(photo_id):
            return None
        column = ReportPhotoFile.thumbnail if thumbnail else ReportPhotoFile.content
        found: bytes | None = await session.scalar(
            select(column).where(ReportPhotoFile.photo_id == photo_id)
        )
        return found

    async def remove_after_commit(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        # deleted in the same transaction: a rollback keeps the rows with the reports naming them
        await self.remove_now(session, photo_ids)

    async def stored_before(self, session: AsyncSession, before: datetime) -> Sequence[str]:
        found = await session.scalars(
            select(ReportPhotoFile.photo_id).where(ReportPhotoFile.created_at < before)
        )
        return list(found)

    async def remove_now(self, session: AsyncSession, photo_ids: Iterable[str]) -> None:
        ids = list(photo_ids)
        for start in range(0, len(ids), 500):  # well below every backend's parameter limit
            await session.execute(
                delete(ReportPhotoFile)
                .where(ReportPhotoFile.photo_id.in_(ids[start : start + 500]))
                .execution_options(synchronize_session=False)
            )


def photo_store(kind: str, folder: Path) -> PhotoStore:
    """The store MITREDEN_REPORT_PHOTO_STORE names; `folder` is used by `disk` only."""
    return DatabasePhotos() if kind == "database" else DiskPhotos(folder)


def as_store(where: Path | PhotoStore) -> PhotoStore:
    """A folder stands for the files in it (the default store)."""
    return DiskPhotos(where) if isinstance(where, Path) else where
