"""Rasa 3.6's own channel code as a peer process: its REST channel served by Sanic, or its
shell's client functions talking to a server (tests/bot/web/chat/rasa_reference.py starts it).

    python rasa_peer.py serve            prints "port N", serves until stdin closes
    python rasa_peer.py console          reads [{"url", "token", "sender", "message",
                                         "stream"}] from stdin, prints the answers as JSON

It runs with .venv/rasa-reference on its path (scripts/rasa-reference.txt), where Rasa is
installed without its machine learning stack. Two imports on the way to the channel
modules would need that stack, so they are replaced here, and nothing else:

- `rasa.core.channels` (the package): its `__init__` imports every channel Rasa has, and
  with them the SDKs of Slack, Twilio, Socket.IO …; an empty package of the same path
  lets `rest` and `console` be imported one by one.
- `rasa.telemetry`: `rasa.cli.utils` imports it, and it imports the model storage and
  with it TensorFlow's world. The channels never call it.

`packaging` removed `LegacyVersion`, which a check of old model versions in
`rasa.shared.utils.validation` names at import; a stand-in class keeps that import working.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import sys
import types
from pathlib import Path
from typing import Any

import packaging.version


def load_rasa() -> types.SimpleNamespace:
    if not hasattr(packaging.version, "LegacyVersion"):

        class LegacyVersion:  # only ever compared against with isinstance
            pass

        packaging.version.LegacyVersion = LegacyVersion  # type: ignore[attr-defined]
    import rasa

    sys.modules["rasa.telemetry"] = types.ModuleType("rasa.telemetry")
    channels = types.ModuleType("rasa.core.channels")
    channels.__path__ = [str(Path(rasa.__file__).parent / "core" / "channels")]
    sys.modules["rasa.core.channels"] = channels
    return types.SimpleNamespace(
        rest=importlib.import_module("rasa.core.channels.rest"),
        console=importlib.import_module("rasa.core.channels.console"),
    )


async def echo_agent(message: Any) -> None:
    """Plays Rasa's agent: two messages, the first with a button, as the bot's turns send."""
    out = message.output_channel
    buttons = [{"title": "Ja", "payload": '/choose{"value":"yes"}'}]
    await out.send_text_with_buttons(message.sender_id, f"echo: {message.text}", buttons)
    await out.send_text_message(message.sender_id, "zweite Nachricht")


async def serve() -> None:
    reference = load_rasa()
    from sanic import Sanic

    app = Sanic("rasa_reference")
    blueprint = reference.rest.RestInput().blueprint(echo_agent)
    app.blueprint(blueprint, url_prefix="/webhooks/rest")  # where Rasa's server mounts it
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.start_serving()
    print(f"port {port}", flush=True)  # Sanic writes its own lines to stdout too
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()


async def console() -> None:
    reference = load_rasa()
    shell = reference.console
    results: list[Any] = []
    for call in json.load(sys.stdin):
        args = (call["url"], call["token"], call["sender"], call["message"])
        if call.get("stream"):
            results.append([line async for line in shell._send_message_receive_stream(*args)])
        else:
            results.append(await shell.send_message_receive_block(*args))
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(serve() if sys.argv[1] == "serve" else console())
