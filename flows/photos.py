"""Photos: a question that asks for one (an `ask_photo` step) takes a picture as its
answer; anywhere else the bot says that it needs no photo here. Checking the picture and
removing its metadata is the reports port's job (`take_photo`)."""

from __future__ import annotations

from flows.definition import StepDefinition
from flows.run import Run
from flows.types import Option

PHOTO = "photo"  # what the step's question `accepts`
STEP_TYPE = "ask_photo"
POSITION = "_photo_position"  # [latitude, longitude] the photo's EXIF named, until asked

SEND_ONE = {
    "de": "Bitte schicken Sie ein Foto – oder tippen Sie auf „Überspringen“.",
    "de_du": "Bitte schick ein Foto – oder tipp auf „Überspringen“.",
    "en": "Please send a photo – or tap “Skip”.",
}
REFUSED = {
    "too_big": {
        "de": "Dieses Foto ist zu groß (höchstens {limit} MB). Bitte schicken Sie ein "
        "kleineres Foto oder tippen Sie auf „Überspringen“.",
        "de_du": "Dieses Foto ist zu groß (höchstens {limit} MB). Bitte schick ein kleineres "
        "Foto oder tipp auf „Überspringen“.",
        "en": "This photo is too large (at most {limit} MB). Please send a smaller one or "
        "tap “Skip”.",
    },
    "too_many_pixels": {
        "de": "Dieses Bild ist zu groß. Bitte schicken Sie ein kleineres Foto oder tippen "
        "Sie auf „Überspringen“.",
        "de_du": "Dieses Bild ist zu groß. Bitte schick ein kleineres Foto oder tipp auf "
        "„Überspringen“.",
        "en": "This picture is too large. Please send a smaller photo or tap “Skip”.",
    },
    "not_an_image": {
        "de": "Das kann ich nicht als Foto öffnen. Bitte schicken Sie ein Foto (JPEG, PNG "
        "oder WebP) oder tippen Sie auf „Überspringen“.",
        "de_du": "Das kann ich nicht als Foto öffnen. Bitte schick ein Foto (JPEG, PNG oder "
        "WebP) oder tipp auf „Überspringen“.",
        "en": "I can't open this as a photo. Please send a photo (JPEG, PNG or WebP) or tap "
        "“Skip”.",
    },
}
NOT_NEEDED = {
    "de": "Danke, ein Foto brauche ich gerade nicht. Was möchten Sie tun?",
    "de_du": "Danke, ein Foto brauche ich gerade nicht. Was möchtest du tun?",
    "en": "Thank you, I don't need a photo right now. What would you like to do?",
}


def wanted(step: StepDefinition | None) -> bool:
    return step is not None and step.type == STEP_TYPE


def not_needed(run: Run, options: tuple[Option, ...]) -> None:
    run.say(run.text(NOT_NEEDED), options)
