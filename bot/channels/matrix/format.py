"""How a reply looks on Matrix: m.notice events with escaped HTML and a plain-text fallback.

A long reply becomes several events, each measured as the event it becomes
(event_size.py). A file's content (the data export) is cut without losing a character,
so its pieces put together are the file again; each piece names its part ("2/5").
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from bot.channels.matrix.event_size import MAX_EVENT_BYTES, fits
from flows.types import Option, Reply

# a message the citizen reads in one go; longer ones are split at paragraphs
MAX_TEXT = 16_000
_SEPARATORS = ("\n\n", "\n", " ")


def escape(text: str) -> str:
    """Everything sent is plain text from flows, citizens or staff: no markup gets through."""
    return html.escape(text, quote=False)


def _longest_fitting(text: str, fit: Callable[[str], bool]) -> int:
    """How many characters of `text` fit (at least one, so splitting always moves on)."""
    low, high = 1, min(len(text), MAX_EVENT_BYTES)
    while low < high:
        middle = (low + high + 1) // 2
        if fit(text[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def split_to_fit(text: str, fit: Callable[[str], bool], *, keep_all: bool = False) -> list[str]:
    """Cut `text` into pieces that each `fit`, at a paragraph, line or word where possible.

    `keep_all`: nothing is dropped at the cuts, so the pieces joined are the text again."""
    pieces: list[str] = []
    rest = text
    while not fit(rest):
        cut = _longest_fitting(rest, fit)
        window = rest[:cut]
        head, rest = window, rest[cut:]
        for separator in _SEPARATORS:
            at = window.rfind(separator)
            # a break in the first half would leave a stub; a hard cut reads better then
            if at > cut // 2:
                end = at + len(separator)
                head, rest = (
                    (window[:end], window[end:] + rest)
                    if keep_all
                    else (
                        window[:at],
                        window[end:] + rest,
                    )
                )
                break
        if keep_all:
            pieces.append(head)
        elif head.strip():
            pieces.append(head.rstrip())
    if keep_all or rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def _html_lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def notice(body: str, formatted: str, relation: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": formatted,
    }
    if relation is not None:
        content["m.relates_to"] = relation
    return content


def _text_notice(
    text: str, options: tuple[Option, ...], relation: dict[str, Any] | None
) -> dict[str, Any]:
    listed = [f"{number}. {o.label}" for number, o in enumerate(options, start=1)]
    body = "\n".join([text, "", *listed]) if text and options else "\n".join(listed) or text
    formatted = _html_lines(text) if text else ""
    if options:
        formatted += "<ol>" + "".join(f"<li>{escape(o.label)}</li>" for o in options) + "</ol>"
    return notice(body, formatted, relation)


def _file_notice(
    name: str, piece: str, part: str, relation: dict[str, Any] | None
) -> dict[str, Any]:
    title = f"{name} ({part})" if part else name
    code = f"<p>{escape(title)}</p><pre><code>{escape(piece)}</code></pre>"
    return notice(f"{title}\n{piece}", code, relation)


def reply_contents(
    reply: Reply, relation: dict[str, Any] | None = None, budget: int = MAX_EVENT_BYTES
) -> list[dict[str, Any]]:
    """The events for one reply: its text, options as a numbered list, then any file's
    content; `relation` (a thread) goes with every event, `budget` is the event limit."""

    def text_fits(piece: str) -> bool:
        return len(piece) <= MAX_TEXT and fits(_text_notice(piece, (), relation), budget)

    bare = not reply.options and reply.attachment is None
    texts = split_to_fit(reply.text, text_fits) if reply.text.strip() or bare else []
    contents = [_text_notice(text, (), relation) for text in texts]
    if reply.options:
        with_options = _text_notice(texts[-1] if texts else "", reply.options, relation)
        if fits(with_options, budget):
            contents[-1:] = [with_options]
        else:  # too long together: the options follow as an event of their own
            contents.append(_text_notice("", reply.options, relation))
    if reply.attachment is not None:
        name = reply.attachment.filename

        def file_fits(piece: str) -> bool:
            return fits(_file_notice(name, piece, "999/999", relation), budget)

        pieces = split_to_fit(reply.attachment.content, file_fits, keep_all=True)
        for number, piece in enumerate(pieces, start=1):
            part = f"{number}/{len(pieces)}" if len(pieces) > 1 else ""
            contents.append(_file_notice(name, piece, part, relation))
    return contents


def options_index(contents: list[dict[str, Any]]) -> int | None:
    """Which of a reply's events lists its options (a 👍 on that one answers yes)."""
    listed = [n for n, c in enumerate(contents) if c["formatted_body"].endswith("</ol>")]
    return listed[-1] if listed else None


def file_indexes(contents: list[dict[str, Any]]) -> list[int]:
    """Which of a reply's events carry a file's content (the data export)."""
    return [n for n, c in enumerate(contents) if c["formatted_body"].endswith("</code></pre>")]
