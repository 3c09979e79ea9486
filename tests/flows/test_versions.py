"""A running conversation stays on the flow version it started with."""

from __future__ import annotations

from pathlib import Path

from flows.library import FlowLibrary, FlowSource, load_definitions
from tests.flows.chat import Chat

SHIPPED = {flow_id: (filename, source) for flow_id, filename, source in load_definitions()}


def library_with_question_v2() -> FlowLibrary:
    sources = [FlowSource(fid, 1, source, name) for fid, (name, source) in SHIPPED.items()]
    name, source = SHIPPED["ask_question"]
    changed = source.replace("Was möchten Sie die Verwaltung fragen?", "Neu – Ihre Frage bitte!")
    sources.append(FlowSource("ask_question", 2, changed, name))
    return FlowLibrary.from_sources(sources)


async def test_pinned_conversation_keeps_version_1_after_version_2_appears() -> None:
    chat = Chat()
    await chat.say("/frage")
    assert chat.state.flow_version == 1
    chat.library = library_with_question_v2()
    await chat.say("kurz")  # too short: the step asks again, still version 1
    assert chat.state.flow_version == 1
    await chat.say("/frage")  # a new start takes the newest version
    assert chat.state.flow_version == 2 and "Neu – Ihre Frage bitte!" in chat.text


def test_library_knows_every_version_and_the_current_one() -> None:
    library = library_with_question_v2()
    current = library.current("ask_question")
    assert current is not None and current.version == 2
    first = library.get("ask_question", 1)
    assert first is not None and first.version == 1
    assert library.get("ask_question", 3) is None and library.current("nope") is None
    assert "consultations" in library.flow_ids()


def test_load_definitions_reads_the_ids_from_the_files(tmp_path: Path) -> None:
    (tmp_path / "x.yml").write_text("id: custom\n", encoding="utf-8")
    (tmp_path / "broken.yml").write_text("id: [\n", encoding="utf-8")
    assert [(fid, name) for fid, name, _ in load_definitions(tmp_path)] == [
        ("broken", "broken.yml"),
        ("custom", "x.yml"),
    ]
    assert {fid for fid, _, _ in load_definitions()} >= {"welcome", "consent", "propose_idea"}
