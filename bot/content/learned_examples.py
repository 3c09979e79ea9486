"""Messages from the chat that staff gave an intent, added to the draft of the intent data.

They go into one file of their own, `intents/learned_from_chat.yml`, so administrators see
at a glance what came from real traffic, and editing it never touches the shipped files.
The draft is then checked, trained and put to use as any other edit (bot/content/intent_data.py).
"""

from __future__ import annotations

import re
from datetime import datetime

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.content.intent_data import open_editor, save_file
from nlu.data_problems import Problem

LEARNED_FILE = "intents/learned_from_chat.yml"
HEADER = (
    "# Messages from the chat that staff gave an intent on the page “Nicht verstanden”.\n"
    "# Edit or remove them like any other example.\n"
)
MAX_EXAMPLE = 500


def clean_example(text: str) -> str:
    """One line that the Rasa format reads back as exactly this text: no line breaks, and
    no `[words](entity)` markup a citizen may have typed by chance."""
    line = " ".join(text.split())[:MAX_EXAMPLE]
    return re.sub(r"\](?=[({])", "] ", line)


def _examples(item: dict[str, object]) -> list[str]:
    examples = item.get("examples")
    if isinstance(examples, list):
        return [
            str(example.get("text", "")) if isinstance(example, dict) else str(example)
            for example in examples
        ]
    if isinstance(examples, str):
        return [line.strip()[2:] for line in examples.splitlines() if line.strip().startswith("- ")]
    return []


def with_example(source: str | None, intent: str, text: str) -> str:
    """The learned file with `text` added under `intent` (once)."""
    by_intent: dict[str, list[str]] = {}
    loaded = yaml.safe_load(source) if source else None
    for item in (loaded or {}).get("nlu", []) if isinstance(loaded, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("intent"), str):
            by_intent.setdefault(item["intent"], []).extend(_examples(item))
    example = clean_example(text)
    if example not in by_intent.setdefault(intent, []):
        by_intent[intent].append(example)
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n"]
    for name in sorted(by_intent):
        lines.append(f"- intent: {name}\n  examples: |\n")
        lines.extend(f"    - {line}\n" for line in by_intent[name])
    return "".join(lines)


async def add_example(
    session: AsyncSession, settings: Settings, intent: str, text: str, by: str, now: datetime
) -> list[Problem]:
    """Put the message into the draft under `intent`; what is wrong with the whole data."""
    editing = await open_editor(session, settings)
    source = with_example(editing.files.get(LEARNED_FILE), intent, text)
    return await save_file(session, settings, LEARNED_FILE, source, by, now)
