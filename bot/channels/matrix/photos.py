"""Pictures in Matrix rooms: which events carry one, and fetching its bytes from the homeserver.

A picture is an `m.image`, or an `m.file` whose mimetype says image. Its bytes are on the
homeserver's media repository, fetched with the bot's token from the authenticated media
API (`/_matrix/client/v1/media/download`, Matrix 1.11; Synapse has it since 1.111). In an
encrypted room the file is encrypted too (`content.file`: key, iv, SHA-256 of the
ciphertext); it is checked and decrypted here, so the turn gets the picture itself. Whether
the bytes are a picture at all is the report's photo step's call (bot/civic/photos.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import ClientError
from nio import (
    AsyncClient,
    Event,
    RoomEncryptedFile,
    RoomEncryptedImage,
    RoomMessageFile,
    RoomMessageImage,
)
from nio.crypto.attachments import decrypt_attachment
from nio.exceptions import EncryptionError

log = logging.getLogger(__name__)

MEDIA_DOWNLOAD = "/_matrix/client/v1/media/download"
# a phone photo over a slow homeserver link; a stalled download must not hold the chat
DOWNLOAD_SECONDS = 60.0
_CHUNK = 64 * 1024
# mxc://<server name, maybe with a port>/<media id>; the spec allows only these characters
_MXC = re.compile(r"^mxc://([A-Za-z0-9.\-:\[\]]+)/([A-Za-z0-9_\-]+)$")

Failure = Literal["too_big", "unavailable"]


@dataclass(frozen=True)
class Encryption:
    """What decrypts an attachment of an encrypted room (AES-CTR, checked by SHA-256)."""

    key: str
    iv: str
    sha256: str


@dataclass(frozen=True)
class ImageFile:
    """A picture on the homeserver, as the event announced it (size and type unverified)."""

    url: str
    mimetype: str
    name: str
    declared_size: int | None
    encryption: Encryption | None = None


def _content(event: Event) -> dict[str, Any]:
    content = event.source.get("content", {})
    return content if isinstance(content, dict) else {}


def _info(content: dict[str, Any]) -> dict[str, Any]:
    info = content.get("info")
    return info if isinstance(info, dict) else {}


def _declared_size(info: dict[str, Any]) -> int | None:
    size = info.get("size")
    # bool is an int to Python, and a negative size is no size
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None


def _encryption(event: RoomEncryptedImage | RoomEncryptedFile) -> Encryption | None:
    key = event.key.get("k") if isinstance(event.key, dict) else None
    sha256 = event.hashes.get("sha256") if isinstance(event.hashes, dict) else None
    if not (isinstance(key, str) and isinstance(sha256, str) and isinstance(event.iv, str)):
        return None
    return Encryption(key, event.iv, sha256)


def file_name(event: Event) -> str:
    """The file's name: `filename` where the client sends it, else the body (older clients)."""
    content = _content(event)
    name = content.get("filename") or content.get("body")
    return name if isinstance(name, str) else ""


def caption(event: Event) -> str:
    """The text written with a picture or file: the body, when a `filename` is set apart
    from it (Matrix 1.10); older clients put only the file's name in the body."""
    content = _content(event)
    body, name = content.get("body"), content.get("filename")
    if isinstance(body, str) and isinstance(name, str) and name and body != name:
        return body
    return ""


def image_file(event: Event) -> ImageFile | None:
    """The picture an event carries; None for text, other files and an unreadable `file`."""
    content = _content(event)
    info = _info(content)
    size = _declared_size(info)
    if isinstance(event, RoomEncryptedImage | RoomEncryptedFile):
        mimetype = str(event.mimetype or "")
        if isinstance(event, RoomEncryptedFile) and not mimetype.startswith("image/"):
            return None
        encryption = _encryption(event)
        if encryption is None:
            # a picture it cannot decrypt: fetching fails and the citizen hears so
            return ImageFile("", mimetype, file_name(event), size)
        return ImageFile(str(event.url), mimetype, file_name(event), size, encryption)
    if isinstance(event, RoomMessageImage | RoomMessageFile):
        said = info.get("mimetype")
        kind = said if isinstance(said, str) else ""
        if isinstance(event, RoomMessageFile) and not kind.startswith("image/"):
            return None
        return ImageFile(str(event.url), kind, file_name(event), size)
    return None


def download_path(url: str) -> str | None:
    """The authenticated media path for an mxc:// URI; None when it is not one."""
    found = _MXC.match(url)
    if found is None:
        return None
    server, media_id = found.groups()
    return f"{MEDIA_DOWNLOAD}/{quote(server, safe='')}/{quote(media_id, safe='')}"


async def _read_limited(
    client: AsyncClient, path: str, max_bytes: int, seconds: float
) -> bytes | Failure:
    headers = {"Authorization": f"Bearer {client.access_token}"}
    response = await client.send("GET", path, headers=headers, timeout=seconds)
    try:
        if response.status != 200:
            log.info("Matrix: the homeserver answered %s for a picture", response.status)
            return "unavailable"
        if (response.content_length or 0) > max_bytes:
            return "too_big"
        content = bytearray()
        # the declared size may be wrong: the limit holds for what actually arrives
        async for chunk in response.content.iter_chunked(_CHUNK):
            content += chunk
            if len(content) > max_bytes:
                return "too_big"
        return bytes(content)
    finally:
        response.release()


async def fetch_image(
    client: AsyncClient,
    image: ImageFile,
    max_bytes: int,
    *,
    seconds: float = DOWNLOAD_SECONDS,
) -> bytes | Failure:
    """The picture's bytes (decrypted), "too_big" beyond `max_bytes` or "unavailable" when
    it cannot be fetched or decrypted. A picture the event says is too big is not fetched."""
    if image.declared_size is not None and image.declared_size > max_bytes:
        return "too_big"
    path = download_path(image.url)
    if path is None:
        log.info("Matrix: a picture without a usable mxc:// address: %r", image.url[:100])
        return "unavailable"
    try:
        async with asyncio.timeout(seconds):
            fetched = await _read_limited(client, path, max_bytes, seconds)
    except (ClientError, TimeoutError) as error:
        log.info("Matrix: could not fetch a picture: %s", type(error).__name__)
        return "unavailable"
    if isinstance(fetched, str) or image.encryption is None:
        return fetched
    secret = image.encryption
    try:
        return bytes(decrypt_attachment(fetched, secret.key, secret.sha256, secret.iv))
    except (EncryptionError, ValueError) as error:  # a hash that does not match, a bad key
        log.info("Matrix: could not decrypt a picture: %s", error)
        return "unavailable"
