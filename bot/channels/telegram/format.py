"""How a reply looks on Telegram: escaped HTML in chunks of at most 4096, options as buttons."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows.types import Option

MAX_TEXT = 4096  # Telegram counts UTF-16 code units of the text after parsing the markup
MAX_CALLBACK_BYTES = 64
# Telegram refuses a whole message whose inline keyboard has more than 100 buttons or
# whose markup is longer than about 10 kB ("reply markup is too long")
MAX_BUTTONS = 100
MAX_MARKUP_BYTES = 10_000
# buttons this short sit side by side (Ja / Nein, a scale 1–5); longer ones get a row each
ROW_LABEL_MAX = 6
ROW_BUTTONS_MAX = 5
_NUMBERED = re.compile(r"^#(\d{1,3})$")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit into `limit` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text into pieces Telegram accepts, at a paragraph, line or word if possible."""
    chunks: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        cut = _longest_prefix(rest, limit)
        window = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            # a break in the first half would leave a stub; a hard cut reads better then
            if at > cut // 2:
                head, rest = rest[:at], rest[at + len(separator) :]
                break
        else:
            head, rest = window, rest[cut:]
        if head.strip():
            chunks.append(head.rstrip())
    if rest.strip() or not chunks:
        chunks.append(rest)
    return chunks


def escape(text: str) -> str:
    """Everything we send is plain text from flows, citizens or staff: no markup gets through."""
    return html.escape(text, quote=False)


def html_chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """The reply text as escaped HTML messages, each within Telegram's length limit."""
    return [escape(chunk) for chunk in split_text(text, limit)]


def callback_data(option: Option, number: int) -> str:
    """The option's value when it fits, else "#n" (the dispatcher maps a number back)."""
    value = option.value
    if len(value.encode("utf-8")) <= MAX_CALLBACK_BYTES and not _NUMBERED.match(value):
        return value
    return f"#{number}"


def numbered_choice(data: str) -> int | None:
    """The option number of a "#n" button, or None for a button that carries its value."""
    match = _NUMBERED.match(data)
    return int(match.group(1)) if match else None


def keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    """One row per option, except that short neighbours (Ja / Nein, 1 … 5) share a row.

    None when there are no options, or more than one keyboard can hold (see `reply_text`)."""
    if not options or len(options) > MAX_BUTTONS:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    short_row: list[InlineKeyboardButton] = []
    for number, option in enumerate(options, start=1):
        button = InlineKeyboardButton(option.label, callback_data=callback_data(option, number))
        if len(option.label) > ROW_LABEL_MAX:
            if short_row:
                rows.append(short_row)
                short_row = []
            rows.append([button])
            continue
        short_row.append(button)
        if len(short_row) == ROW_BUTTONS_MAX:
            rows.append(short_row)
            short_row = []
    if short_row:
        rows.append(short_row)
    markup = InlineKeyboardMarkup(rows)
    size = len(json.dumps(markup.to_dict(), ensure_ascii=False).encode())
    return markup if size <= MAX_MARKUP_BYTES else None


def reply_text(text: str, options: Sequence[Option], markup: InlineKeyboardMarkup | None) -> str:
    """The text to send: options that do not fit a keyboard follow it as a numbered list,
    and the citizen types the number (the flows map it back), so every option stays open."""
    if markup is not None or not options:
        return text
    listed = "\n".join(f"{number}. {option.label}" for number, option in enumerate(options, 1))
    return f"{text}\n\n{listed}" if text.strip() else listed


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button that carried `data` in a message's keyboard."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
