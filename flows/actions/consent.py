"""Recording the citizen's consent to the privacy notice."""

from __future__ import annotations

from flows.actions.spec import ActionSpec
from flows.definition import StepDefinition
from flows.run import Run


async def record_consent(run: Run, step: StepDefinition) -> str:
    version = run.ctx.variables.get("privacy_version") or "1"
    await run.ports.citizens.record_consent(run.ctx.citizen_id, version)
    run.consent = True
    return "ok"


ACTIONS = {"record_consent": ActionSpec(record_consent)}
