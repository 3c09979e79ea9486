"""The files of report photos: one folder, a random name per photo, the photo and its
thumbnail. A report's `photos` column holds the names; the files are never reachable
without the staff app (or the photo of a published report that staff published).

Names are 24 random URL-safe characters (144 bits): nobody can guess one, and a name read
from a URL is checked against that pattern before it touches the file system.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_NAME = re.compile(r"^[A-Za-z0-9_-]{24}$")
FULL, THUMBNAIL = ".jpg", ".thumb.jpg"


def valid_id(photo_id: str) -> bool:
    return bool(_NAME.match(photo_id))


def _write(path: Path, content: bytes) -> None:
    # written beside and renamed: a reader never sees half a file
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as out:
        out.write(content)
    os.chmod(part, 0o600)
    os.replace(part, path)


def save(folder: Path, content: bytes, thumbnail: bytes) -> str:
    """Stores a cleaned photo and its thumbnail under a new random name; the name."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    photo_id = secrets.token_urlsafe(18)
    _write(folder / f"{photo_id}{THUMBNAIL}", thumbnail)
    _write(folder / f"{photo_id}{FULL}", content)
    return photo_id


def path(folder: Path, photo_id: str, *, thumbnail: bool = False) -> Path | None:
    """The file of a photo (or its thumbnail); None for a name that is not ours or gone."""
    if not valid_id(photo_id):
        return None
    found = folder / f"{photo_id}{THUMBNAIL if thumbnail else FULL}"
    return found if found.is_file() else None


def delete(folder: Path, photo_ids: Iterable[str]) -> int:
    """Removes the photos' files, and a half-written `.part` a crash left; how many photos
    had files."""
    removed = 0
    for photo_id in photo_ids:
        if not valid_id(photo_id):
            continue
        found = False
        for suffix in (FULL, THUMBNAIL):
            for part in ("", ".part"):
                try:
                    (folder / f"{photo_id}{suffix}{part}").unlink()
                    found = True
                except FileNotFoundError:
                    pass
        removed += found
    return removed


def files_before(folder: Path, before: datetime) -> dict[str, list[Path]]:
    """The photo files last written before `before`, by photo id: the picture, its
    thumbnail and a half-written `.part` a crash left. Other files are not ours: left alone."""
    found: dict[str, list[Path]] = {}
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except FileNotFoundError:
        return found
    cutoff = before.timestamp()
    for entry in entries:
        photo_id = entry.name.split(".", 1)[0]
        rest = entry.name[len(photo_id) :].removesuffix(".part")
        if not valid_id(photo_id) or rest not in (FULL, THUMBNAIL):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat().st_mtime >= cutoff:
                continue
        except FileNotFoundError:
            continue  # removed meanwhile
        found.setdefault(photo_id, []).append(Path(entry.path))
    return found


_PENDING = "mitreden.report_photos_removed"


def delete_after_commit(session: AsyncSession, folder: Path, photo_ids: Iterable[str]) -> None:
    """Removes the files once the transaction that dropped the photos from their reports
    commits; a rollback keeps them (the rows still name them)."""
    ids = list(photo_ids)
    if not ids:
        return
    sync = session.sync_session
    pending: list[tuple[Path, str]] | None = sync.info.get(_PENDING)
    if pending is None:
        pending = sync.info[_PENDING] = []

        def committed(_: Session) -> None:
            for where, photo_id in sync.info.pop(_PENDING, []):
                delete(where, [photo_id])

        def rolled_back(_: Session, __: object) -> None:
            sync.info.pop(_PENDING, None)

        event.listen(sync, "after_commit", committed, once=True)
        event.listen(sync, "after_soft_rollback", rolled_back, once=True)
    pending.extend((folder, photo_id) for photo_id in ids)
