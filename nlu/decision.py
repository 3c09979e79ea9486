"""Act, ask or fall back: what the bot does with a recognised message at the top level.

One small pure function, shared by the engine, `mitreden nlu predict` and the quality
benchmark, so the figures printed are the behaviour citizens get. The thresholds were chosen
on measurements (docs/nlu.md, benchmarks/nlu_quality.py):

- act when the best intent is sure enough and clearly ahead of the second;
- ask ("Did you mean …?") when it is not, but some intents citizens can ask for are
  plausible — the citizen picks, nothing is guessed;
- fall back ("not understood") when nothing is plausible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from nlu.types import FALLBACK_INTENT

Kind = Literal["act", "ask", "fallback"]

# What a citizen can be offered as a wish: everything but small talk, answers and the
# "cannot help" classes. The engine narrows this further to intents that start a flow.
NOT_OFFERED = frozenset(
    {FALLBACK_INTENT, "out_of_scope", "greet", "goodbye", "thanks", "affirm", "deny", "cancel"}
)


@dataclass(frozen=True)
class DecisionSettings:
    """act: confidence at or above which the bot acts on the best intent; margin: how far
    ahead of the second it must be for that; ask: below this nothing is plausible enough to
    offer (fallback); candidate: the least confidence of an intent offered as a choice."""

    act: float = 0.5
    margin: float = 0.6
    ask: float = 0.4
    candidate: float = 0.1
    max_candidates: int = 3


@dataclass(frozen=True)
class Decision:
    kind: Kind
    intent: str  # the intent acted on; FALLBACK_INTENT when asking or falling back
    candidates: tuple[str, ...] = ()  # the intents offered when asking, best first


def offered_by_default(intent: str) -> bool:
    return intent not in NOT_OFFERED


def decide(
    ranking: Sequence[tuple[str, float]],
    settings: DecisionSettings = DecisionSettings(),  # frozen: a shared default is safe
    offerable: Callable[[str], bool] = offered_by_default,
) -> Decision:
    """The decision for one message's ranking (intents with calibrated confidences, best
    first). `offerable` says which intents may be offered as a choice."""
    if not ranking:
        return Decision("fallback", FALLBACK_INTENT)
    best, confidence = ranking[0]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if best == FALLBACK_INTENT:
        return Decision("fallback", FALLBACK_INTENT)
    if confidence >= settings.act and confidence - second >= settings.margin:
        return Decision("act", best)
    candidates = tuple(
        intent for intent, score in ranking if score >= settings.candidate and offerable(intent)
    )[: settings.max_candidates]
    if confidence < settings.ask:
        return Decision("fallback", FALLBACK_INTENT)
    if candidates and (best in candidates or confidence < settings.act):
        return Decision("ask", FALLBACK_INTENT, candidates)
    # small talk or "cannot help" ahead of anything a citizen could want: nothing to offer
    return Decision("act", best)
