"""The recommendation catalogue's shape, as a pydantic schema: types, required fields, allowed
values and both languages, every problem with its place ("recommendations[3].title.ja: ...").

The rules across entries and against the framework (dimensions and role groups that exist, one
trigger per dimension in format 2, negative limits for `gap_at_most`) follow in
`recommendations.catalogue_problems`, on the entries whose shape is valid.
"""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

TRIGGERS = (
    "level_at_most",  # the level people other than executives experience is at most N
    "level_at_least",  # ... at least N: sustain and scale (a mature result still gets advice)
    "score_below",  # that group's score is below X
    "gap_at_least",  # executives rate it at least X points higher than everyone else
    "gap_at_most",  # executives rate it at least |X| points lower: more critical than the staff
    "spread_at_least",  # respondents' scores spread at least X (no shared picture)
    "dont_know_at_least",  # at least X % of the dimension's answers are "don't know"
    "role_below",  # a role group scores it at least N points below the organisation as a whole
)
OWNERS = ("executives", "innovation_team", "business_units", "hr", "corporate_planning", "board")
HORIZONS = ("90d", "1y", "3y")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "missing or empty")
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]


class Text(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    en: NonBlank
    ja: NonBlank


class Entry(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    key: NonBlank
    dimension: NonBlank
    trigger: dict[str, Any]
    priority: Literal[1, 2, 3]
    owner: Literal[OWNERS]  # type: ignore[valid-type]
    horizon: Literal[HORIZONS]  # type: ignore[valid-type]
    title: Text
    summary: Text
    actions: Annotated[list[Text], Field(min_length=1)]

    @field_validator("trigger")
    @classmethod
    def _one_trigger(cls, trigger: dict[str, Any]) -> dict[str, Any]:
        if len(trigger) != 1 or next(iter(trigger)) not in TRIGGERS:
            raise PydanticCustomError("trigger", f"must be exactly one of {', '.join(TRIGGERS)}")
        kind, limit = next(iter(trigger.items()))
        if kind == "role_below":
            if not isinstance(limit, dict) or set(limit) != {"role", "points"}:
                raise PydanticCustomError("trigger", "role_below needs a role and points")
            points = limit["points"]
            if not isinstance(limit["role"], str) or not limit["role"].strip():
                raise PydanticCustomError("trigger", "role_below: the role must be a role group key")
            if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
                raise PydanticCustomError("trigger", "role_below: points must be a positive number")
        elif isinstance(limit, bool) or not isinstance(limit, int | float):
            raise PydanticCustomError("trigger", "the limit must be a number")
        elif kind.startswith("level_") and limit not in (1, 2, 3, 4, 5):
            raise PydanticCustomError("trigger", "a level limit must be 1 to 5")
        elif kind == "gap_at_most" and limit >= 0:
            raise PydanticCustomError(
                "trigger", "gap_at_most is for executives more critical than staff: the limit must be negative"
            )
        return trigger


class Catalogue(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    format: Literal[1, 2] = 1
    recommendations: Annotated[list[Entry], Field(min_length=1)]


def _place(loc: tuple[Any, ...]) -> str:
    place = ""
    for part in loc:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    return place


_WHAT = {
    "missing": "missing",
    "model_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "list_type": "must be a list",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "too_short": "must not be empty",
}


def _message(error: dict[str, Any]) -> str:
    loc, kind = tuple(error["loc"]), error["type"]
    field = loc[-1] if loc else None
    if field in ("title", "summary") or (len(loc) > 1 and loc[-2] == "actions" and kind != "too_short"):
        what = "needs non-empty en and ja"
    elif field in ("en", "ja"):
        loc, what = loc[:-1], "needs non-empty en and ja"
    elif field == "actions":
        what = "at least one action is required"
    elif field == "recommendations" and kind in ("too_short", "list_type", "missing"):
        what = "must be a non-empty list"
    elif kind == "literal_error":
        what = {
            "priority": "must be 1, 2 or 3",
            "owner": f"must be one of {', '.join(OWNERS)}",
            "horizon": f"must be one of {', '.join(HORIZONS)}",
            "format": "must be 1 or 2",
        }.get(str(field), str(error["msg"]))
    elif kind in ("trigger", "blank"):
        what = str(error["msg"])
    elif kind in ("model_type", "dict_type") and len(loc) == 2 and loc[0] == "recommendations":
        what = "must be a mapping with key, dimension, trigger, ..."
    else:
        what = _WHAT.get(str(kind), str(error["msg"]))
    return f"{_place(loc) or 'file'}: {what}"


def catalogue_schema_problems(data: object) -> tuple[list[str], set[int]]:
    """(problems with their place, indexes of entries whose shape is wrong)."""
    try:
        Catalogue.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        broken: set[int] = set()
        for error in exc.errors():
            message = _message(dict(error))
            if message not in problems:
                problems.append(message)
            loc = error["loc"]
            if len(loc) > 1 and loc[0] == "recommendations" and isinstance(loc[1], int):
                broken.add(loc[1])
        return problems, broken
    return [], set()
