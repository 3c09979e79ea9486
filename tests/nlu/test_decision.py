"""Act, ask or fall back (nlu/decision.py): the choice the bot makes at the top level."""

from __future__ import annotations

from nlu.decision import DecisionSettings, decide

SETTINGS = DecisionSettings(act=0.5, margin=0.6, ask=0.4, candidate=0.1, max_candidates=3)


def test_a_sure_and_clear_intent_is_acted_on() -> None:
    decision = decide([("propose_idea", 0.9), ("ask_question", 0.05)], SETTINGS)
    assert (decision.kind, decision.intent, decision.candidates) == ("act", "propose_idea", ())


def test_two_close_wishes_are_asked_about_best_first() -> None:
    ranking = [("ask_question", 0.55), ("propose_idea", 0.35), ("help", 0.05)]
    decision = decide(ranking, SETTINGS)
    assert decision.kind == "ask"
    assert decision.candidates == ("ask_question", "propose_idea")
    assert decision.intent == "nlu_fallback"  # nothing is acted on while asking


def test_at_most_three_candidates_and_none_below_the_candidate_floor() -> None:
    ranking = [
        ("ask_question", 0.42),
        ("propose_idea", 0.2),
        ("follow_paper", 0.15),
        ("subscribe_updates", 0.12),
        ("browse_ideas", 0.05),
    ]
    decision = decide(ranking, SETTINGS)
    assert decision.candidates == ("ask_question", "propose_idea", "follow_paper")


def test_small_talk_and_cannot_help_are_never_offered() -> None:
    ranking = [("greet", 0.45), ("out_of_scope", 0.3), ("ask_question", 0.2)]
    decision = decide(ranking, SETTINGS)
    assert decision.kind == "ask"
    assert decision.candidates == ("ask_question",)


def test_small_talk_without_any_wish_nearby_is_acted_on() -> None:
    decision = decide([("thanks", 0.45), ("greet", 0.4), ("goodbye", 0.1)], SETTINGS)
    assert (decision.kind, decision.intent) == ("act", "thanks")


def test_nothing_plausible_falls_back() -> None:
    assert decide([("ask_question", 0.3), ("propose_idea", 0.25)], SETTINGS).kind == "fallback"
    assert decide([], SETTINGS).kind == "fallback"
    assert decide([("nlu_fallback", 1.0)], SETTINGS).kind == "fallback"


def test_the_caller_says_which_intents_can_be_offered() -> None:
    ranking = [("ask_question", 0.45), ("propose_idea", 0.35)]
    decision = decide(ranking, SETTINGS, offerable=lambda intent: intent == "propose_idea")
    assert decision.candidates == ("propose_idea",)


def test_thresholds_are_settings() -> None:
    ranking = [("ask_question", 0.7), ("propose_idea", 0.25)]
    assert decide(ranking, SETTINGS).kind == "ask"
    assert decide(ranking, DecisionSettings(act=0.5, margin=0.4)).kind == "act"
