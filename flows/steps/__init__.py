"""Step types by their YAML `type`: each a handler with enter and (if it waits) receive."""

from __future__ import annotations

from flows.steps import asking, basic, consultation, idea_list, photo
from flows.steps.outcome import StepHandler

STEP_TYPES: dict[str, StepHandler] = {
    **basic.HANDLERS,
    **asking.HANDLERS,
    **consultation.HANDLERS,
    **idea_list.HANDLERS,
    **photo.HANDLERS,
}
