"""Which registers of the checklist (docs/nlu.md, "Data in many voices") an example is written in.

Each register has one simple rule, so a warning can be explained and checked by eye. The rules
find most examples of a register, not all: a dialect or a learner's English the lists below do
not know goes unseen. A warning is a prompt to look, not a verdict.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from rapidfuzz.distance import Levenshtein

from nlu.language import detect_language

# the order of the checklist in docs/nlu.md
REGISTERS = (
    "sie",
    "du",
    "one-word",
    "long",
    "questions",
    "statements",
    "typos",
    "dialect",
    "emoji",
    "mixed",
    "english",
    "non-native",
    "negation",
    "complaint",
    "greeting-first",
)

# What each rule looks for, in the words `mitreden nlu validate` prints.
RULES: dict[str, str] = {
    "sie": "'Sie' or 'Ihnen' (capitalised), or 'Ihr…' not at the start",
    "du": "du, dich, dir, dein…, euch, euer…, kannst, bist, hast, willst, weißt",
    "one-word": "exactly one word or emoji",
    "long": "at least 25 words",
    "questions": "a '?' or a first word like wie, wann, gibt, how, can",
    "statements": "two words or more, no '?' and no question word first",
    "typos": "ae/oe/ue for ä/ö/ü (or a missing umlaut) of a word in the data, or a word the"
    " intent's other examples do not use but have one letter apart",
    "dialect": "a dialect word such as wat, dat, ick, isch, mei, wos, homma, koane, nix, gell",
    "emoji": "an emoji or other symbol character",
    "mixed": "German and English words in one example",
    "english": "detected as English (nlu/language.py)",
    "non-native": "English with a typical learner's pattern: 'how I can', 'is possible',"
    " 'explain me', 'informations', …",
    "negation": "nicht, kein…, nie, nichts, not, n't, never, no longer, …",
    "complaint": "nervt, ärgerlich, schon wieder, immer noch, seit Wochen, ridiculous, annoying,"
    " '!!' or '?!', …",
    "greeting-first": "a greeting first (hallo, moin, hi, guten Tag, …) and two words or more"
    " after it",
}

LONG_WORDS = 25
TYPO_MIN_LETTERS = 5  # shorter words are too often one letter apart by chance ("dir", "mir")


def _listing(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SIE = re.compile(r"\b(?:Sie|Ihnen)\b|(?<=\w )\bIhr(?:e|en|em|er)?\b")
_DU = _listing(
    "du dich dir dein deine deinen deinem deiner euch euer eure euren eurem eurer kannst bist"
    " hast willst weißt weisst"
)
_QUESTION_WORDS = _listing(
    "wie wann wo was warum wieso weshalb wer welche welcher welches wem wen woher wohin kann"
    " kannst können koennen könnt gibt gibts gibt's ist sind hat habt haben darf soll wird"
    " how what when where why who which can could is are do does did will would may"
    " should"
)
_DIALECT = _listing(
    "wat dat det dit ick icke ik isch mei wos homma hamma nich getz gell gelle koa koane keene"
    " nix ned net hob hoscht hosch bissl bissle mog ois oan ebbes gschwind schaffe mi ma i dr"
    " nen"
)
_GERMAN_HINTS = _listing(
    "ich mir mich mein meine bitte und oder nicht kein keine ist sind habe hab kann möchte"
    " will wie was wann wo der die das den dem ein eine einen mit von für zum zur auf"
)
_ENGLISH_HINTS = _listing(
    "i me my please and or not is are have can want how what when where the with from for to"
    " my account delete cancel update updates news feedback"
)
_LEARNER = re.compile(
    r"\b(?:how|where|what|when) i can\b|\bis (?:it )?possible (?:that|to) i\b|\bhow is"
    r" possible\b|\bis possible\b|\bexplain me\b|\binformations\b|\badvices\b|\bi want that\b"
    r"|\bplease to\b|\bcan to\b|\bi am (?:wanting|needing|having|knowing)\b|\bmake a"
    r" (?:question|proposal)\b|\bsince \d+ (?:days|weeks|months)\b|\bgive me please\b"
    r"|\bi have \d+ years\b|\bhow much (?:people|ideas)\b|\bi didn't received\b"
    r"|\bdoes (?:it|this) exists\b|\bi not\b",
    re.IGNORECASE,
)
_NEGATION = _listing(
    "nicht nich net ned nie niemals nichts nix kein keine keinen keiner keinem keines keene"
    " koane nimmer not never nothing none no nobody nowhere dont don't doesn't didn't won't"
    " can't cannot isn't aren't wasn't"
)
_NEGATION_PHRASES = re.compile(r"\bno longer\b|\bnot any ?more\b|n't\b", re.IGNORECASE)
_COMPLAINT = re.compile(
    r"\bnerv|\bgenervt|ärger|aerger|\bunmöglich|\bunmoeglich|\bfrechheit|\bskandal|\bsauer\b"
    r"|\bschon wieder\b|\bimmer noch\b|\bseit wochen\b|\bseit tagen\b|\bseit monaten\b"
    r"|\bnervig|\bzum kotzen\b|\bkatastrophe|\bwarum (?:macht|kann|tut|gibt) (?:ihr|man|die"
    r" stadt)\b|\bridiculous\b|\bannoying\b|\bannoyed\b|\bfed up\b|\bsick of\b|\bterrible\b"
    r"|\buseless\b|\bagain\?|\bstill no\b|\bwhy (?:do|does|can't|is) (?:you|nobody|no one)\b"
    r"|!!|\?!|!\?",
    re.IGNORECASE,
)
_GREETINGS = re.compile(
    r"^\W*(?:hallo+|hall[öo]chen|hi+|hey+|heyho|moin(?: moin)?|servus|tach|huhu|na|hello"
    r"|hiya|howdy|yo|gr[üu](?:ß|ss|e)? ?(?:gott|dich|euch|sie)?|guten (?:tag|morgen|abend)"
    r"|good (?:morning|afternoon|evening|day)|liebes? \w+(?: team)?|sehr geehrte \w+(?: \w+)?"
    r"|dear \w+)\b[\s,!.:;-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


def words_of(text: str) -> list[str]:
    """The words of an example in lower case, umlauts kept (so a missing one can be seen)."""
    return _WORD.findall(text.casefold())


def registers_of(
    text: str, intent_words: Counter[str], data_words: frozenset[str]
) -> frozenset[str]:
    """The registers `text` is written in. `intent_words` counts the words of all examples of
    its intent (the text's own included); `data_words` are the words of the whole data."""
    words = words_of(text)
    found: set[str] = set()
    if _SIE.search(text):
        found.add("sie")
    if _DU.intersection(words):
        found.add("du")
    if _token_count(text) == 1:
        found.add("one-word")
    if len(words) >= LONG_WORDS:
        found.add("long")
    asks = "?" in text or (bool(words) and words[0] in _QUESTION_WORDS)
    if asks:
        found.add("questions")
    elif len(words) >= 2:
        found.add("statements")
    if _has_typo(words, intent_words, data_words):
        found.add("typos")
    if _DIALECT.intersection(words):
        found.add("dialect")
    if any(unicodedata.category(char) == "So" for char in text):
        found.add("emoji")
    if _GERMAN_HINTS.intersection(words) and _ENGLISH_HINTS.intersection(words):
        found.add("mixed")
    language = detect_language(text)
    if language == "en":
        found.add("english")
        if _LEARNER.search(text):
            found.add("non-native")
    if is_negated(text):
        found.add("negation")
    if _COMPLAINT.search(text):
        found.add("complaint")
    greeting = _GREETINGS.match(text.strip())
    if greeting is not None and len(words_of(greeting.group(1))) >= 2:
        found.add("greeting-first")
    return frozenset(found)


def is_negated(text: str) -> bool:
    """True when the example holds a negation ("keine", "nicht mehr", "don't", "no longer")."""
    return bool(_NEGATION.intersection(words_of(text)) or _NEGATION_PHRASES.search(text))


def _token_count(text: str) -> int:
    symbols = sum(1 for char in text if unicodedata.category(char) == "So")
    return len(words_of(text)) + symbols


_TO_UMLAUT = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))


def _has_typo(words: list[str], intent_words: Counter[str], data_words: frozenset[str]) -> bool:
    own = Counter(words)
    for word in words:
        if _spelled_without_umlaut(word, data_words):
            return True
        if len(word) < TYPO_MIN_LETTERS or intent_words[word] > own[word]:
            continue  # another example of the intent uses the word: not a typo
        if any(
            Levenshtein.distance(word, other, score_cutoff=1) == 1
            for other in intent_words
            if abs(len(other) - len(word)) <= 1 and intent_words[other] > own[other]
        ):
            return True
    return False


def _spelled_without_umlaut(word: str, data_words: frozenset[str]) -> bool:
    """'loeschen' where the data also has 'löschen'. (A plain 'loschen' is one letter from
    'löschen' and found by the edit-distance rule.)"""
    return any(
        plain in word and word.replace(plain, umlaut) in data_words for plain, umlaut in _TO_UMLAUT
    )
