"""German or English? Decided from common words, typical spellings and umlauts, per message."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from nlu.normalize import normalize


def _words(listing: str) -> frozenset[str]:
    return frozenset(listing.split())


# Words that are clearly one language. Words both languages share ("ok", "bus", "test",
# "so", "was", "hand") are left out on purpose: they give no clue.
_GERMAN = _words(
    """
    hallo hallochen moin servus tach gruss gruezi griass nabend huhu tschuss tschus tschuess
    tschau tscho wiedersehen danke dankeschon dankesehr vielen dank merci bitte bitteschon
    ja jaa jo joa jep jup jawohl jawoll nein nee ne noe nicht kein keine keinen keiner
    nichts doch genau gerne gern klar passt stimmt richtig falsch vielleicht eher lieber
    ich du er sie es wir ihr mich mir dich dir uns euch mein meine meinen meiner meins dein
    deine ihre ihren unser unsere euer sein seine wer wie wo wann warum wieso weshalb welche
    welcher welches wem wen der die das den dem des ein eine einen einem einer und oder aber
    auch noch schon nur mal jetzt gerade grad heute morgen gestern immer wieder endlich bald
    hier dort da dann denn weil wenn dass ob mit ohne fur fuer von vom zum zur bei beim nach
    aus auf uber ueber unter vor hinter neben zwischen gegen bis seit ist sind bin bist war
    waren wird werden wurde wurden hat habe hab haben hatte hatten kann kannst konnen koennen
    konnte mochte moechte mochten will willst wollen soll sollte sollten muss mussen muessen
    darf durfen gibt gibts geht gehts macht mach machen zeig zeige zeigen sag sagen schick
    schicken bekommen sehen wissen weiss frage fragen antwort antworten idee ideen vorschlag
    vorschlage umfrage umfragen beteiligung abstimmen mitmachen teilnehmen abbrechen
    zuruck zurueck weiter hilfe stopp aufhoren loschen loeschen daten konto abbestellen
    abonnieren neuigkeiten benachrichtigung stadt rathaus burger buerger strasse strassen
    spielplatz schule kita baume baum mull muell larm laterne radweg fahrrad parkplatz
    bahnhof gemeinde verwaltung sehr viel viele mehr weniger gut schlecht schon schoen toll
    super prima geil krass echt wirklich leider bitte einfach alles alle etwas jemand an in also
    man sollte wäre waere ware gäbe konnte wurde guten abend tag morgen nacht woche jahr
    """
)
_ENGLISH = _words(
    """
    hi hey hello hiya howdy yo sup morning evening afternoon bye goodbye cya later thanks
    thank thx ty tysm cheers appreciate please yes yeah yea yep yup sure no nah naw
    nope not don't dont doesn't can't cannot won't isn't aren't i'm im i've i'd i'll you
    your yours he she it we they them me my mine our their who what where when why how which
    whose whom the a an and or but also still already just now today tomorrow yesterday
    always again finally soon here there then because if that whether with without for from
    to at by after before of on in into about over under between against until since is are
    am was were will would be been being has have had can could may might must shall should
    want wants wanna gonna need needs get got give show tell send let know see think like
    love question questions answer idea ideas suggestion survey surveys consultation vote
    join take part help cancel stop back next continue delete remove data subscribe
    unsubscribe updates news notify town city council street streets road playground school
    trees tree rubbish trash noise light lights bike lane parking station very much many more
    less good bad great nice awesome really unfortunately simply everything all something
    anyone someone anything any some this these those there's what's it's that's let's
    right wrong correct maybe rather never nothing none
    """
)
_AMBIGUOUS = _GERMAN & _ENGLISH
_GERMAN_ONLY = _GERMAN - _AMBIGUOUS
_ENGLISH_ONLY = _ENGLISH - _AMBIGUOUS
_ALL_WORDS = {**dict.fromkeys(_GERMAN_ONLY, "de"), **dict.fromkeys(_ENGLISH_ONLY, "en")}

_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)
_GERMAN_SHAPES = re.compile(r"sch|ung$|keit$|heit$|lich$|chen$|ei[nt]|ie[rn]?$|tz|pf|eu")
_ENGLISH_SHAPES = re.compile(r"th|ing$|ould$|ough|tion$|ness$|ee[dkp]|wh|ay$|oo")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MAX_WORDS = 40
MAX_CAREFUL_WORDS = 12  # typo matching looks at the first words only, for speed
FUZZY_CUTOFF = 84.0


def detect_language(text: str) -> str | None:
    """ "de", "en", or None when the text gives no clue (e.g. "ok", "👍", "3")."""
    words = _WORD.findall(normalize(text))[:MAX_WORDS]
    german = 2.0 * len(_GERMAN_LETTERS.findall(text[:2000]))
    english = 0.0
    # typo matching is slow-ish, so it only runs when the exact words leave the question open
    for careful in (False, True):
        for word in words[:MAX_CAREFUL_WORDS] if careful else words:
            language, weight = _word_language(word, careful)
            if language == "de":
                german += weight
            elif language == "en":
                english += weight
        if german != english:
            break
    if german > english:
        return "de"
    if english > german:
        return "en"
    return None


def _word_language(word: str, careful: bool) -> tuple[str | None, float]:
    if word in _AMBIGUOUS:
        return None, 0.0
    known = _ALL_WORDS.get(word)
    if not careful:
        return (known, 1.0) if known is not None else (None, 0.0)
    if known is not None:
        return None, 0.0  # counted in the first pass already
    if len(word) >= 4 and word.isascii():
        # a typo of a common word ("dnake", "shcon", "pleasse") still tells the language
        best = process.extractOne(
            word, _ALL_WORDS.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if best is not None:
            return _ALL_WORDS[best[0]], 0.6
    german = len(_GERMAN_SHAPES.findall(word))
    english = len(_ENGLISH_SHAPES.findall(word))
    if german > english:
        return "de", 0.3
    if english > german:
        return "en", 0.3
    return None, 0.0
