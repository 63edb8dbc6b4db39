"""Read and validate a framework file (YAML or JSON) into plain data.

The file's shape is a pydantic schema (below); the rules across fields follow it. Every problem
is reported with its place in the file, all at once, so an author can fix a file in one pass
instead of one error per run; a malformed part (a list entry that is not a mapping, a number
written as text) is a problem with its place too, never a traceback.
"""

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from .errors import ApplicationError

REQUIRED_DIMENSIONS = ("vision", "budget", "buy_in")
ROLE_GROUPS = ("executive", "innovation_team", "business", "corporate")
TENURES = ("lt3", "y3_10", "y10_20", "gt20")
LEVEL_KEYS = ("ad_hoc", "emerging", "defined", "managed", "embedded")
MIN_ITEMS_PER_DIMENSION = 6

# Format 2 (questionnaire 1.1 on): statements have audiences, business-unit heads and middle
# managers are role groups of their own, no tenure question, levels carry a favourable share,
# a comparison mapping to the earlier version, optional comment prompts, and the lint below.
# A file without `format` is format 1 (1.0): everyone sees every statement.
ROLE_GROUPS_2 = ("executive", "bu_head", "manager", "innovation_team", "business", "corporate")
EVERYONE = "everyone"
# Every role group must be asked at least this many statements of every dimension, so that each
# of them can have a score there (scoring's minimum is relative to what a person was shown).
MIN_ROUTED_PER_DIMENSION = 3


class FrameworkFileError(ApplicationError, ValueError):
    def __init__(self, problems):
        super().__init__(problems=problems)


# --- the file's schema (pydantic): types, required fields, ranges, both languages ---------------
# Rules across fields (rising bands, the core dimensions, unique keys, audiences and routing, the
# wording lint) follow in `framework_problems`, on the parts of the file whose shape is valid.


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "missing or empty")
    return value


def _slug(value: str) -> str:
    if not value or not all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
        raise PydanticCustomError("slug", "must be a key of letters, digits, _ or -")
    return value


def _version(value: object) -> object:
    if not isinstance(value, str) or not value:
        raise PydanticCustomError("version", 'must be a non-empty string such as "1.0" (quote it)')
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
Percent = Annotated[float, Field(ge=0, le=100)]


class _Schema(BaseModel):
    # strict: 1.0 written unquoted is a number, not the version "1.0"; "3" is not a number.
    # Fields the schema does not name (header notes, `double_barrel_ok`, ...) are kept as they are.
    model_config = ConfigDict(strict=True, extra="allow")


class Text(_Schema):
    en: NonBlank
    ja: NonBlank


class Scale(_Schema):
    anchors: dict[int | str, Text]
    dont_know: Text


class Level(_Schema):
    level: int
    key: str
    min: Percent
    favourable_min: Percent | None = None
    name: Text
    summary: Text


class Option(_Schema):
    key: Slug
    label: Text
    short: Text | None = None


class Question(_Schema):
    prompt: Text
    options: list[Option]


class Prompt(_Schema):
    prompt: Text


class Profile(_Schema):
    role_group: Question
    tenure: Question | None = None
    department: Prompt


class Item(_Schema):
    key: Slug
    reverse: bool = False
    text: Text
    audience: Any = None  # checked with the role groups of the file's format


class Dimension(_Schema):
    key: Slug
    weight: Annotated[float, Field(gt=0)]
    name: Text
    description: Text
    levels: dict[int | str, Text]
    items: list[Item]


class FrameworkSchema(_Schema):
    format: Literal[1, 2] = 1
    key: Slug
    version: Annotated[str, BeforeValidator(_version)]
    title: Text
    description: Text
    min_answered_per_dimension: Annotated[int, Field(ge=1)]
    gap_threshold: Percent
    scale: Scale
    levels: list[Level]
    profile: Profile
    dimensions: list[Dimension]


_TEXT_FIELDS = frozenset(
    name
    for model in (Scale, Level, Option, Question, Prompt, Item, Dimension, FrameworkSchema)
    for name, field in model.model_fields.items()
    if field.annotation in (Text, Text | None)
)


_MAPPINGS_BY_NUMBER = ("anchors", "levels")  # scale.anchors.3, dimensions[0].levels.2 (not lists)


def _place(loc):
    """("dimensions", 0, "items", 2, "text") -> "dimensions[0].items[2].text"."""
    place = ""
    for depth, part in enumerate(loc):
        keyed = depth > 1 and loc[depth - 1] in _MAPPINGS_BY_NUMBER  # the top-level `levels` is a list
        if isinstance(part, int) and not keyed:
            place += f"[{part}]"
        else:
            place += f".{part}" if place else str(part)
    return place


def _message(error):
    """One pydantic error as the author reads it: where, then what is wrong."""
    loc, kind = error["loc"], error["type"]
    # dict keys of int | str unions add the tried type to the place; it means nothing to an author
    loc = tuple(part for part in loc if part not in ("int", "str"))
    field = loc[-1] if loc else None
    text_expected = kind == "model_type" and error.get("ctx", {}).get("class_name") == "Text"
    if text_expected or (kind in ("missing", "dict_type") and field in _TEXT_FIELDS):
        what = "needs English and Japanese text ({en: ..., ja: ...})"
    elif kind in ("missing", "string_type") and field in ("en", "ja"):
        what = "missing or empty"
    elif kind == "missing":
        what = "missing"
    elif kind in ("model_type", "dict_type"):
        what = "must be a mapping"
    elif kind == "list_type":
        what = "must be a list"
    elif kind == "bool_type":
        what = "must be true or false"
    elif kind in ("int_type", "int_from_float"):
        what = "must be a whole number"
    elif kind == "float_type":
        what = "must be a number"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        what = f"{error['input']} is out of range"
    elif kind == "string_type":
        what = "must be text"
    elif kind == "literal_error" and field == "format":
        what = "must be 1 (version 1.0 layout) or 2 (audiences, comparison, comments)"
    else:
        what = error["msg"]
    return f"{_place(loc) or 'file'}: {what}"


def schema_problems(data):
    """(problems, places with a problem) of the file's shape, each problem with its place."""
    try:
        FrameworkSchema.model_validate(data)
    except ValidationError as exc:
        problems, places = [], set()
        for error in exc.errors():
            message = _message(error)
            if message not in problems:
                problems.append(message)
            places.add(tuple(part for part in error["loc"] if part not in ("int", "str")))
        return problems, places
    return [], set()


def framework_file_read(path, earlier=None):
    """Return (data, sha256) for a valid file, or raise FrameworkFileError listing every problem.

    `earlier(key, version)` returns {"dimensions": set, "items": set} of another version of the
    framework (or None when unknown); a comparison mapping is checked against it.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError([f"{path}: cannot be read ({exc.strerror})"]) from exc
    try:
        text = raw.decode("utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise FrameworkFileError([f"{path}: not valid YAML/JSON in UTF-8: {exc}"]) from exc
    problems = framework_problems(data, earlier=earlier)
    if problems:
        raise FrameworkFileError(problems)
    return data, hashlib.sha256(raw).hexdigest()


def file_format(data):
    return data.get("format", 1) if isinstance(data, dict) else 1


def framework_role_groups(data):
    """The role group keys a framework file must offer, in order."""
    return ROLE_GROUPS_2 if file_format(data) == 2 else ROLE_GROUPS


def framework_problems(data, earlier=None):
    """Every problem of a framework file, each with its place: its shape first (the schema), then
    the rules across fields on every part whose shape is valid."""
    if not isinstance(data, dict):
        return ["the file must contain a mapping at the top level"]
    if data.get("format", 1) not in (1, 2) or isinstance(data.get("format"), bool):
        return ["format: must be 1 (version 1.0 layout) or 2 (audiences, comparison, comments)"]
    problems, broken = schema_problems(data)

    def valid(*place):
        return not any(loc[: len(place)] == place for loc in broken)

    v2 = file_format(data) == 2
    if valid("scale", "anchors") and sorted(map(str, data["scale"]["anchors"])) != ["1", "2", "3", "4", "5"]:
        problems.append("scale.anchors: must have exactly the keys 1 to 5")
    if valid("levels"):
        _check_levels(problems, data["levels"], v2)
    if valid("profile"):
        profile = data["profile"]
        _check_options(problems, profile["role_group"], "role_group", framework_role_groups(data))
        if v2:
            # 1.1 does not ask tenure: no report used it, and it only raised re-identification risk.
            if "tenure" in profile:
                problems.append("profile.tenure: not asked from format 2 on; remove it")
        elif profile.get("tenure") is None:
            problems.append("profile.tenure: missing")
        else:
            _check_options(problems, profile["tenure"], "tenure", TENURES)
    if not valid("dimensions") and not isinstance(data.get("dimensions"), list):
        return problems
    dimensions = data["dimensions"]
    if not dimensions:
        problems.append("dimensions: must be a non-empty list")
        return problems
    dimension_keys = [d.get("key") for d in dimensions if isinstance(d, dict)]
    for required in REQUIRED_DIMENSIONS:
        if required not in dimension_keys:
            problems.append(f"dimensions: the core dimension {required!r} is missing")
    _check_unique(problems, dimension_keys, "dimensions: duplicate key")
    item_keys = []
    for d_index, dimension in enumerate(dimensions):
        where = f"dimensions[{d_index}]"
        if not isinstance(dimension, dict):
            continue  # reported by the schema
        if valid("dimensions", d_index, "levels") and sorted(map(str, dimension["levels"])) != [
            "1",
            "2",
            "3",
            "4",
            "5",
        ]:
            problems.append(f"{where}.levels: must describe levels 1 to 5")
        items = dimension.get("items")
        if not isinstance(items, list) or len(items) < MIN_ITEMS_PER_DIMENSION:
            problems.append(f"{where}.items: at least {MIN_ITEMS_PER_DIMENSION} items are required")
            continue
        for i_index, item in enumerate(items):
            if not isinstance(item, dict):
                continue  # reported by the schema
            item_keys.append(item.get("key"))
            audience = item.get("audience", None if v2 else [EVERYONE])
            _check_audience(problems, audience, framework_role_groups(data), f"{where}.items[{i_index}].audience")
        if v2:
            _check_routing(problems, items, framework_role_groups(data), where)
        min_answered = data.get("min_answered_per_dimension")
        if isinstance(min_answered, int) and min_answered > len(items):
            problems.append(f"{where}.items: fewer items than min_answered_per_dimension")
    _check_unique(problems, item_keys, "items: duplicate key")
    if v2:
        from .framework_lint import comment_prompt_problems, comparison_problems, lint_problems, scale_problems

        if valid("dimensions") and valid("profile"):
            problems.extend(lint_problems(data))  # wording: needs every statement's text in place
        if valid("scale"):
            problems.extend(scale_problems(data.get("scale")))
        problems.extend(comment_prompt_problems(data))
        problems.extend(comparison_problems(data, earlier))
    elif "comparison" in data or "comments" in data:
        problems.append("comparison/comments: need format: 2")
    return problems


def _check_levels(problems, levels, v2):
    if len(levels) != 5:
        problems.append("levels: must list exactly five levels")
        return
    previous_min = None
    for index, level in enumerate(levels):
        where = f"levels[{index}]"
        if level.get("level") != index + 1 or level.get("key") != LEVEL_KEYS[index]:
            problems.append(f"{where}: expected level {index + 1} with key {LEVEL_KEYS[index]}")
        if index == 0 and level["min"] != 0:
            problems.append(f"{where}.min: the first band must start at 0")
        if previous_min is not None and level["min"] <= previous_min:
            problems.append(f"{where}.min: bands must rise")
        previous_min = level["min"]
        if v2 or "favourable_min" in level:
            _check_favourable_min(problems, levels, index, where)


def _check_options(problems, question, field, expected):
    keys = [option["key"] for option in question["options"]]
    if keys != list(expected):
        problems.append(f"profile.{field}.options: keys must be {', '.join(expected)} in that order")


def _check_unique(problems, keys, message):
    seen = set()
    for key in keys:
        if key in seen:
            problems.append(f"{message} {key!r}")
        seen.add(key)


def _check_favourable_min(problems, levels, index, where):
    level = levels[index]
    if level.get("favourable_min") is None:
        problems.append(f"{where}.favourable_min: must be a number")
        return
    if index == 0 and level["favourable_min"] != 0:
        problems.append(f"{where}.favourable_min: the first level must start at 0")
    previous = levels[index - 1].get("favourable_min") if index else None
    if isinstance(previous, (int, float)) and level["favourable_min"] <= previous:
        problems.append(f"{where}.favourable_min: must rise from level to level")


def _check_audience(problems, audience, role_groups, where):
    allowed = (EVERYONE, *role_groups)
    if not isinstance(audience, list) or not audience:
        problems.append(f"{where}: missing; list who is asked ({', '.join(allowed)})")
        return
    for value in audience:
        if value not in allowed:
            problems.append(f"{where}: unknown audience {value!r} (use {', '.join(allowed)})")
    if EVERYONE in audience and len(audience) > 1:
        problems.append(f"{where}: {EVERYONE!r} stands alone")
    if len(set(map(str, audience))) != len(audience):
        problems.append(f"{where}: listed twice")


def audience_includes(audience: Sequence[str] | None, role_group: str | None) -> bool:
    """Whether a statement with this audience is shown to a respondent of `role_group`.

    A respondent without a role group (not yet known) sees the statements for everyone only.
    """
    audience = audience or [EVERYONE]
    return EVERYONE in audience or (bool(role_group) and role_group in audience)


def items_shown(items, role_group):
    """The items (objects with `.audience`) a respondent of `role_group` is shown, in order.

    Here rather than in `routing` (pandas): the respondent pages use it on every request."""
    return [item for item in items if audience_includes(item.audience, role_group)]


def _check_routing(problems, items, role_groups, where):
    for role in role_groups:
        shown = [
            i
            for i in items
            if isinstance(i, dict) and isinstance(i.get("audience"), list) and audience_includes(i["audience"], role)
        ]
        if len(shown) < MIN_ROUTED_PER_DIMENSION:
            problems.append(
                f"{where}.items: role group {role!r} is asked {len(shown)} statements here; "
                f"at least {MIN_ROUTED_PER_DIMENSION} are needed"
            )
