"""Checking a citizen's photo and keeping nothing of it but the picture.

A photo from a phone carries where it was taken (GPS), the phone's make and serial
numbers, the time, sometimes a name: all of that is metadata next to the pixels. The
photo is decoded with Pillow (which proves it is a picture of a kind we take), turned
upright by its EXIF orientation, and encoded again from its pixels alone, so no EXIF,
XMP, ICC profile or comment can survive. The GPS position is read before it is dropped:
the chat may offer it as the report's place, and keeps it only when the citizen agrees.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from flows.types import Location
from storage.photo_store import PhotoStore, photo_store

DEFAULT_FOLDER = Path("./data/report-photos")
DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_MAX_PIXELS = 40_000_000  # a 48-megapixel phone is over it; 12 MP ones are not
THUMBNAIL_PX = 320
FORMATS = ("JPEG", "PNG", "WEBP")
_QUALITY = 88
_GPS_IFD = 0x8825


@dataclass(frozen=True)
class PhotoRules:
    """The operator's settings: where photos are kept, and what is too big."""

    folder: Path = DEFAULT_FOLDER
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    store: str = "disk"  # MITREDEN_REPORT_PHOTO_STORE: "disk" (in `folder`) or "database"

    def photo_store(self) -> PhotoStore:
        return photo_store(self.store, self.folder)


@dataclass(frozen=True)
class CleanPhoto:
    """The picture alone, as JPEG, and its thumbnail; `position` from the original's GPS."""

    content: bytes
    thumbnail: bytes
    width: int
    height: int
    position: Location | None


@dataclass(frozen=True)
class Refused:
    """Why a photo is not taken: "too_big", "too_many_pixels" or "not_an_image"."""

    reason: str


def _formats() -> tuple[str, ...]:
    # HEIC (iPhones) only where a Pillow plugin for it is installed
    Image.init()
    return (*FORMATS, "HEIF") if "HEIF" in Image.OPEN else FORMATS


def clean(content: bytes, rules: PhotoRules) -> CleanPhoto | Refused:
    """Decodes, checks and re-encodes a photo; never raises for what a citizen sends."""
    if len(content) > rules.max_bytes:
        return Refused("too_big")
    try:
        # the size is in the header: a decompression bomb is refused before its pixels
        # are unpacked (Pillow's own guard, twice its MAX_IMAGE_PIXELS, stays behind ours)
        with Image.open(io.BytesIO(content), formats=_formats()) as opened:
            width, height = opened.size
            if width * height > rules.max_pixels:
                return Refused("too_many_pixels")
            position = _gps(opened)
            upright = ImageOps.exif_transpose(opened)
            pixels = _rgb(upright)
    except Image.DecompressionBombError:
        return Refused("too_many_pixels")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return Refused("not_an_image")  # not a picture, a truncated one, a broken one
    # a new image from the pixel bytes alone: no info dict, no profile, nothing carried over
    bare = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    thumb = bare.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    return CleanPhoto(_jpeg(bare), _jpeg(thumb), bare.width, bare.height, position)


def _rgb(image: Image.Image) -> Image.Image:
    """The first frame in RGB; transparency on white (a screenshot's clear corners)."""
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=_QUALITY, optimize=True)
    return out.getvalue()


def _degrees(value: object, ref: object) -> float | None:
    """EXIF's (degrees, minutes, seconds) rationals and "N"/"S" (or "E"/"W") as a number."""
    try:
        parts = [float(part) for part in value]  # type: ignore[attr-defined]
        number = parts[0] + parts[1] / 60 + parts[2] / 3600
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    if not math.isfinite(number):
        return None
    return -number if str(ref).strip().upper() in ("S", "W") else number


def _gps(image: Image.Image) -> Location | None:
    """Where the photo was taken, when its EXIF says so (and it is on the globe)."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except (OSError, ValueError, SyntaxError, TypeError, KeyError):
        return None
    if not gps:
        return None
    latitude = _degrees(gps.get(2), gps.get(1))
    longitude = _degrees(gps.get(4), gps.get(3))
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None  # (0, 0) is a phone without a fix, not the Gulf of Guinea
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Location(latitude, longitude)
