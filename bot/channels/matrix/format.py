"""How a reply looks on Matrix: an m.notice with escaped HTML and a plain-text fallback."""

from __future__ import annotations

import html
from typing import Any

from flows.types import Reply

# Synapse refuses events over 64 KiB; encryption and the HTML copy roughly triple the text
MAX_TEXT = 16_000


def escape(text: str) -> str:
    """Everything sent is plain text from flows, citizens or staff: no markup gets through."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text into pieces, at a paragraph, line or word where possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            # a break in the first half would leave a stub; a hard cut reads better then
            if at > limit // 2:
                head, rest = rest[:at], rest[at + len(separator) :]
                break
        else:
            head, rest = window, rest[limit:]
        if head.strip():
            pieces.append(head.rstrip())
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def _html_lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def notice(body: str, formatted: str) -> dict[str, Any]:
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": formatted,
    }


def reply_contents(reply: Reply, limit: int = MAX_TEXT) -> list[dict[str, Any]]:
    """The events for one reply: its text, options as a numbered list, then any file's content."""
    contents: list[dict[str, Any]] = []
    options = [f"{number}. {o.label}" for number, o in enumerate(reply.options, start=1)]
    bare = not reply.options and reply.attachment is None
    texts = split_text(reply.text, limit) if reply.text.strip() or bare else []
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        body = "\n".join([text, "", *options]) if last and options else text
        formatted = _html_lines(text)
        if last and options:
            items = "".join(f"<li>{escape(o.label)}</li>" for o in reply.options)
            formatted += f"<ol>{items}</ol>"
        contents.append(notice(body, formatted))
    if not texts and options:
        items = "".join(f"<li>{escape(o.label)}</li>" for o in reply.options)
        contents.append(notice("\n".join(options), f"<ol>{items}</ol>"))
    if reply.attachment is not None:
        name = reply.attachment.filename
        for piece in split_text(reply.attachment.content, limit):
            code = f"<p>{escape(name)}</p><pre><code>{escape(piece)}</code></pre>"
            contents.append(notice(f"{name}\n{piece}", code))
    return contents
