"""Read and validate a framework file (YAML or JSON) into plain data.

Every problem is reported with its place in the file, all at once, so an author can fix a
file in one pass instead of one error per run.
"""

import hashlib
import json
from pathlib import Path

import yaml

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


class FrameworkFileError(ValueError):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


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
    problems = []
    check = _Checker(problems)
    if not isinstance(data, dict):
        return ["the file must contain a mapping at the top level"]
    if data.get("format", 1) not in (1, 2):
        problems.append("format: must be 1 (version 1.0 layout) or 2 (audiences, comparison, comments)")
        return problems
    v2 = file_format(data) == 2
    check.slug(data, "key", "key")
    if not isinstance(data.get("version"), str) or not data.get("version"):
        problems.append('version: must be a non-empty string such as "1.0" (quote it)')
    check.text(data, "title", "title")
    check.text(data, "description", "description")
    check.number(data, "min_answered_per_dimension", "min_answered_per_dimension", minimum=1, integer=True)
    check.number(data, "gap_threshold", "gap_threshold", minimum=0, maximum=100)

    scale = data.get("scale")
    if not isinstance(scale, dict):
        problems.append("scale: missing")
    else:
        anchors = scale.get("anchors")
        if not isinstance(anchors, dict) or sorted(map(str, anchors)) != ["1", "2", "3", "4", "5"]:
            problems.append("scale.anchors: must have exactly the keys 1 to 5")
        else:
            for value, label in anchors.items():
                check.text({"t": label}, "t", f"scale.anchors.{value}")
        check.text(scale, "dont_know", "scale.dont_know")

    levels = data.get("levels")
    if not isinstance(levels, list) or len(levels) != 5:
        problems.append("levels: must list exactly five levels")
    else:
        previous_min = None
        for index, level in enumerate(levels):
            where = f"levels[{index}]"
            if level.get("level") != index + 1 or level.get("key") != LEVEL_KEYS[index]:
                problems.append(f"{where}: expected level {index + 1} with key {LEVEL_KEYS[index]}")
            if not check.number(level, "min", f"{where}.min", minimum=0, maximum=100):
                continue
            if index == 0 and level["min"] != 0:
                problems.append(f"{where}.min: the first band must start at 0")
            if previous_min is not None and level["min"] <= previous_min:
                problems.append(f"{where}.min: bands must rise")
            previous_min = level["min"]
            check.text(level, "name", f"{where}.name")
            check.text(level, "summary", f"{where}.summary")
            if v2 or "favourable_min" in level:
                _check_favourable_min(check, levels, index, where)

    profile = data.get("profile")
    if not isinstance(profile, dict):
        problems.append("profile: missing")
    else:
        check.options(profile, "role_group", framework_role_groups(data))
        if v2:
            # 1.1 does not ask tenure: no report used it, and it only raised re-identification risk.
            if "tenure" in profile:
                problems.append("profile.tenure: not asked from format 2 on; remove it")
        else:
            check.options(profile, "tenure", TENURES)
        check.text(profile.get("department") or {}, "prompt", "profile.department.prompt")

    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        problems.append("dimensions: must be a non-empty list")
        return problems
    dimension_keys = [d.get("key") for d in dimensions if isinstance(d, dict)]
    for required in REQUIRED_DIMENSIONS:
        if required not in dimension_keys:
            problems.append(f"dimensions: the core dimension {required!r} is missing")
    check.unique(dimension_keys, "dimensions: duplicate key")
    item_keys = []
    for d_index, dimension in enumerate(dimensions):
        where = f"dimensions[{d_index}]"
        if not isinstance(dimension, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        check.slug(dimension, "key", f"{where}.key")
        check.number(dimension, "weight", f"{where}.weight", minimum=0, exclusive_minimum=True)
        check.text(dimension, "name", f"{where}.name")
        check.text(dimension, "description", f"{where}.description")
        dim_levels = dimension.get("levels")
        if not isinstance(dim_levels, dict) or sorted(map(str, dim_levels)) != ["1", "2", "3", "4", "5"]:
            problems.append(f"{where}.levels: must describe levels 1 to 5")
        else:
            for level, text in dim_levels.items():
                check.text({"t": text}, "t", f"{where}.levels.{level}")
        items = dimension.get("items")
        if not isinstance(items, list) or len(items) < MIN_ITEMS_PER_DIMENSION:
            problems.append(f"{where}.items: at least {MIN_ITEMS_PER_DIMENSION} items are required")
            continue
        for i_index, item in enumerate(items):
            item_where = f"{where}.items[{i_index}]"
            if not isinstance(item, dict):
                problems.append(f"{item_where}: must be a mapping")
                continue
            check.slug(item, "key", f"{item_where}.key")
            item_keys.append(item.get("key"))
            if not isinstance(item.get("reverse", False), bool):
                problems.append(f"{item_where}.reverse: must be true or false")
            check.text(item, "text", f"{item_where}.text")
            audience = item.get("audience", None if v2 else [EVERYONE])
            _check_audience(problems, audience, framework_role_groups(data), f"{item_where}.audience")
        if v2:
            _check_routing(problems, items, framework_role_groups(data), where)
        min_answered = data.get("min_answered_per_dimension")
        if isinstance(min_answered, int) and min_answered > len(items):
            problems.append(f"{where}.items: fewer items than min_answered_per_dimension")
    check.unique(item_keys, "items: duplicate key")
    if v2:
        from .framework_lint import comment_prompt_problems, comparison_problems, lint_problems, scale_problems

        problems.extend(lint_problems(data))
        problems.extend(scale_problems(data.get("scale")))
        problems.extend(comment_prompt_problems(data))
        problems.extend(comparison_problems(data, earlier))
    elif "comparison" in data or "comments" in data:
        problems.append("comparison/comments: need format: 2")
    return problems


def _check_favourable_min(check, levels, index, where):
    level = levels[index]
    if not check.number(level, "favourable_min", f"{where}.favourable_min", minimum=0, maximum=100):
        return
    if index == 0 and level["favourable_min"] != 0:
        check.problems.append(f"{where}.favourable_min: the first level must start at 0")
    previous = levels[index - 1].get("favourable_min") if index else None
    if isinstance(previous, (int, float)) and level["favourable_min"] <= previous:
        check.problems.append(f"{where}.favourable_min: must rise from level to level")


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


def audience_includes(audience, role_group):
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
        shown = [i for i in items if isinstance(i, dict) and isinstance(i.get("audience"), list)
                 and audience_includes(i["audience"], role)]
        if len(shown) < MIN_ROUTED_PER_DIMENSION:
            problems.append(
                f"{where}.items: role group {role!r} is asked {len(shown)} statements here; "
                f"at least {MIN_ROUTED_PER_DIMENSION} are needed"
            )


class _Checker:
    def __init__(self, problems):
        self.problems = problems

    def text(self, mapping, field, where):
        value = mapping.get(field) if isinstance(mapping, dict) else None
        if not isinstance(value, dict):
            self.problems.append(f"{where}: needs English and Japanese text ({{en: ..., ja: ...}})")
            return
        for lang in ("en", "ja"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.problems.append(f"{where}.{lang}: missing or empty")

    def slug(self, mapping, field, where):
        value = mapping.get(field)
        if not isinstance(value, str) or not value or not all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
            self.problems.append(f"{where}: must be a key of letters, digits, _ or -")

    def number(self, mapping, field, where, minimum=None, maximum=None, integer=False, exclusive_minimum=False):
        value = mapping.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.problems.append(f"{where}: must be {'a whole number' if integer else 'a number'}")
            return False
        too_low = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
        if too_low or (maximum is not None and value > maximum):
            self.problems.append(f"{where}: {value} is out of range")
            return False
        return True

    def options(self, profile, field, expected):
        question = profile.get(field)
        where = f"profile.{field}"
        if not isinstance(question, dict):
            self.problems.append(f"{where}: missing")
            return
        self.text(question, "prompt", f"{where}.prompt")
        options = question.get("options")
        keys = [o.get("key") for o in options] if isinstance(options, list) else None
        if keys != list(expected):
            self.problems.append(f"{where}.options: keys must be {', '.join(expected)} in that order")
            return
        for index, option in enumerate(options):
            self.text(option, "label", f"{where}.options[{index}].label")

    def unique(self, keys, message):
        seen = set()
        for key in keys:
            if key in seen:
                self.problems.append(f"{message} {key!r}")
            seen.add(key)
