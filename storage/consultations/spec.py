"""What a consultation file must contain, checked field by field (used by import and seed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_][a-z0-9_-]{0,63}$")
]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    de: Text
    en: Text


class OptionSpec(_Strict):
    key: Key
    de: Text
    en: Text
    # other words that pick the option when typed, in either language ("little ones" for
    # "Under 6"): citizens answer in their own words, not the label's
    words: list[Text] = []


class ScaleLabels(_Strict):
    """What 1 and 5 mean, in both languages."""

    de: tuple[Text, Text]
    en: tuple[Text, Text]


class QuestionSpec(_Strict):
    key: Key
    kind: Literal["single", "multiple", "scale", "text", "yesno"]
    text: Texts
    options: list[OptionSpec] = []
    required: bool = True
    scale: ScaleLabels | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> QuestionSpec:
        if self.kind in ("single", "multiple"):
            if len(self.options) < 2:
                raise ValueError(f"a {self.kind} choice question needs at least two options")
            keys = [o.key for o in self.options]
            if len(set(keys)) != len(keys):
                raise ValueError("option keys must be different from each other")
        elif self.options:
            raise ValueError(f"a {self.kind} question has no options")
        if self.scale is not None and self.kind != "scale":
            raise ValueError("scale labels belong to scale questions only")
        return self


class ConsultationSpec(_Strict):
    slug: Slug
    title: Texts
    description: Texts
    topic: Key | None = None
    opens: datetime
    closes: datetime
    questions: list[QuestionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ConsultationSpec:
        for name in ("opens", "closes"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"'{name}' needs a time zone, e.g. 2026-05-01T00:00:00+02:00")
        if self.closes <= self.opens:
            raise ValueError("'closes' must be after 'opens'")
        keys = [q.key for q in self.questions]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"question keys used twice: {', '.join(duplicates)}")
        return self
