"""A reply as Telegram and Matrix will show it, built with the channels' own formatting.

Telegram gets the escaped HTML pieces (split at its 4096 limit) and the inline keyboard's
rows; Matrix gets its m.notice events with the HTML body and the numbered option list.
Both functions escape everything themselves, so their HTML can go into the page as is.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from bot.channels.matrix.format import reply_contents
from bot.channels.telegram.format import html_chunks, keyboard, utf16_length
from flows.types import Reply


@dataclass(frozen=True)
class TelegramPreview:
    messages: tuple[Markup, ...]  # one per message Telegram receives
    buttons: tuple[tuple[str, ...], ...]  # keyboard rows under the last message
    length: int  # in Telegram's units (UTF-16)


@dataclass(frozen=True)
class MatrixPreview:
    events: tuple[Markup, ...]  # the formatted body of each m.notice
    plain: tuple[str, ...]  # the plain-text body clients without HTML show


def telegram_preview(reply: Reply) -> TelegramPreview:
    markup = keyboard(reply.options)
    rows = (
        tuple(tuple(button.text for button in row) for row in markup.inline_keyboard)
        if markup is not None
        else ()
    )
    # html_chunks escapes every piece (telegram_format.escape): safe to show as HTML
    pieces = tuple(Markup(piece) for piece in html_chunks(reply.text))
    return TelegramPreview(pieces, rows, utf16_length(reply.text))


def matrix_preview(reply: Reply) -> MatrixPreview:
    contents = reply_contents(reply)
    # reply_contents escapes every text it puts into formatted_body (matrix_format.escape)
    return MatrixPreview(
        tuple(Markup(content["formatted_body"]) for content in contents),
        tuple(str(content["body"]) for content in contents),
    )
