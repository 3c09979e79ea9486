"""Telegram's HTML parse mode as the Bot API applies it: tags become entities, bad markup a 400."""

from __future__ import annotations

import html
import re
from typing import Any

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_HREF = re.compile(r'href="([^"]*)"')


PREFIX = "Bad Request: can't parse entities: "


class HtmlError(ValueError):
    """Raised with Telegram's own wording: "Bad Request: can't parse entities: …"."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The visible text and its entities, or HtmlError where the real API refuses the markup."""
    text: list[str] = []
    units = 0
    open_tags: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<":
            tag = _TAG.match(source, index)
            if tag is None:
                raise HtmlError(f"{PREFIX}Unsupported start tag at byte offset {index}")
            closing, name, attributes = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
            if name not in TAGS:
                raise HtmlError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                    f"at byte offset {index}"
                )
            if closing:
                if not open_tags or open_tags[-1][0] != name:
                    raise HtmlError(
                        f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{index}, expected "</{open_tags[-1][0] if open_tags else ""}>", '
                        f'found "</{name}>"'
                    )
                opened, start, extra = open_tags.pop()
                if units > start:
                    entities.append(
                        {"type": TAGS[opened], "offset": start, "length": units - start, **extra}
                    )
            else:
                attached: dict[str, Any] = {}
                if name == "a":
                    href = _HREF.search(attributes)
                    attached["url"] = html.unescape(href.group(1)) if href else ""
                open_tags.append((name, units, attached))
            index = tag.end()
            continue
        if char == "&":
            entity = _ENTITY.match(source, index)
            if entity is None:
                raise HtmlError(
                    "Bad Request: can't parse entities: Character '&' is reserved and must be "
                    f"escaped with the preceding '\\' at byte offset {index}"
                )
            piece = html.unescape(entity.group(0))
            index = entity.end()
        elif char == ">":
            raise HtmlError(f"{PREFIX}Character '>' is reserved at byte offset {index}")
        else:
            piece = char
            index += 1
        text.append(piece)
        units += utf16_length(piece)
    if open_tags:
        raise HtmlError(
            f'{PREFIX}Can\'t find end tag corresponding to start tag "{open_tags[-1][0]}"'
        )
    return "".join(text), sorted(entities, key=lambda entity: entity["offset"])
